# isocheck - build real Linux containers and prove they are isolated.
#
#   make run      install what is missing, build, run every case (TAP on stdout)
#   make check    install what is missing, then unit tests (ASan/UBSan), the
#                 isolation suite, the sabotage controls and the fault tests
#   make bench    spawn latency and suite wall time
#
# Libraries are found with pkg-config; scripts/install-deps installs them.

BUILD   := build
CC      ?= cc
PKGS    := libcap libnl-3.0 libnl-route-3.0 libnftables libcgroup json-c
VERSION := 0.1.0

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# Truncating snprintf is how messages are bounded here, not a bug.
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-truncation
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 $(WARN) -D_FORTIFY_SOURCE=2 -fstack-protector-strong -MMD -MP \
           -DISO_VERSION='"$(VERSION)"' $(INCS) $(PKG_CFLAGS)

# harness/ by concern: core (cases, runner, specs), runtime (drivers),
# host (lab, network, cgroups), out (result sinks), lib (errors, parsers).
HDIRS   := core runtime host out lib
INCS    := $(addprefix -Iharness/,$(HDIRS))
HARNESS := $(foreach d,$(HDIRS),$(wildcard harness/$(d)/*.c))
HEADERS := $(foreach d,$(HDIRS),$(wildcard harness/$(d)/*.h))
CASES   := $(wildcard cases/*.c)
OBJS    := $(patsubst %.c,$(BUILD)/obj/%.o,harness/main.c $(HARNESS) $(CASES))
PROBE_SRC := $(wildcard harness/probe/*.c) $(addprefix harness/lib/,mountinfo.c procfs.c icmp.c)

# The pure modules the unit tests link (no namespaces, no root).
UNIT_SRC := $(addprefix harness/,lib/err.c lib/util.c core/expect.c lib/idmap.c lib/mountinfo.c \
            lib/procfs.c core/registry.c lib/report.c core/spec.c host/netlab.c \
            core/known.c runtime/rt_cmd.c host/cgroup.c core/rt_version.c \
            out/tap.c out/results.c out/sink.c out/tap_sink.c out/matrix.c out/junit.c)
UNIT_TESTS := $(patsubst harness/tests/%.c,$(BUILD)/tests/%,$(wildcard harness/tests/test_*.c))
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)

.PHONY: all fixtures run check check-vm _check-vm unit suite sabotage faults bench deps clean _run _check
all: $(BUILD)/isocheck $(BUILD)/isoprobe

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/isocheck: $(OBJS)
	$(CC) $(CFLAGS) -o $@ $(OBJS) $(PKG_LIBS)

$(BUILD)/isoprobe: $(PROBE_SRC) $(wildcard harness/probe/*.h) harness/lib/mountinfo.h harness/lib/procfs.h harness/lib/icmp.h
	@mkdir -p $(BUILD)
	$(CC) -std=gnu11 $(WARN) -O2 -static -Iharness/lib -o $@ $(PROBE_SRC)

fixtures: $(BUILD)/rootfs/.built
$(BUILD)/rootfs/.built: fixtures/make-rootfs $(BUILD)/isoprobe
	fixtures/make-rootfs $(BUILD)/rootfs $(BUILD)/isoprobe

deps:
	scripts/install-deps

# The two front-door commands set up what is missing first.
run: deps
	@$(MAKE) --no-print-directory _run
_run: all fixtures
	$(BUILD)/isocheck

check: deps
	@$(MAKE) --no-print-directory _check
_check: all fixtures unit suite sabotage faults
	@echo "make check: all passed"

$(BUILD)/tests/%: harness/tests/%.c $(UNIT_SRC) $(HEADERS) $(wildcard harness/tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARN) -O1 -g $(SAN) -DGOLDEN_DIR='"harness/tests/golden"' $(INCS) $(CMOCKA_CFLAGS) $(PKG_CFLAGS) -o $@ $< \
	    $(UNIT_SRC) \
	    $(CMOCKA_LIBS) $(PKG_LIBS)

unit: $(UNIT_TESTS)
	prove --exec 'env CMOCKA_MESSAGE_OUTPUT=TAP' $(UNIT_TESTS)
	scripts/tap-validate harness/tests/golden/*.tap13
	TAP14_AS_13=1 scripts/tap-validate harness/tests/golden/*.tap14
	scripts/junit-validate harness/tests/golden/sink.junit.xml harness/tests/golden/sink.tap13

suite: all fixtures
	scripts/run-suite $(BUILD)

sabotage: all fixtures
	scripts/check-sabotage $(BUILD)/isocheck

faults: all fixtures
	scripts/test-faults $(BUILD)/isocheck

$(BUILD)/vm-exit: ci/vm/vm-exit.c
	@mkdir -p $(BUILD)
	$(CC) -std=gnu11 $(WARN) -O2 -static -o $@ $<

# The whole suite inside a freshly booted kernel (pure cgroup v2): every
# case passes there, the cgroup cases fail under their sabotages there too,
# vm-run's faults are handled, every runtime runs there as well, and host
# and VM agree case by case.
VM_SABOTAGES := no-memory-limit no-pids-limit no-cgroupns no-cpu-limit
check-vm: deps
	@$(MAKE) --no-print-directory _check-vm
_check-vm: all fixtures $(BUILD)/vm-exit
	scripts/vm-run --build $(BUILD) > $(BUILD)/vm.tap; rc=$$?; cat $(BUILD)/vm.tap; exit $$rc
	prove --exec cat $(BUILD)/vm.tap
	SABOTAGES="$(VM_SABOTAGES)" scripts/check-sabotage $(BUILD)/isocheck scripts/vm-run --build $(BUILD) --
	scripts/test-vm-faults $(BUILD)
	$(BUILD)/isocheck > $(BUILD)/host.tap; scripts/compare-tap $(BUILD)/host.tap $(BUILD)/vm.tap
	scripts/vm-run --build $(BUILD) -- --runtime all > $(BUILD)/vm-runtimes.tap; rc=$$?; \
	    grep -E '^not ok|^# (runtime|cgroup)' $(BUILD)/vm-runtimes.tap; exit $$rc
	$(BUILD)/isocheck --runtime all > $(BUILD)/host-runtimes.tap; \
	    scripts/compare-tap $(BUILD)/host-runtimes.tap $(BUILD)/vm-runtimes.tap

bench: deps
	@$(MAKE) --no-print-directory all fixtures $(BUILD)/vm-exit
	scripts/bench $(BUILD)

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d)
