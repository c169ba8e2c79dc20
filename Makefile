# isocheck - build real Linux containers and prove they are isolated.
#
#   make run      install what is missing, build, run every case (TAP on stdout)
#   make check    install what is missing, then unit tests (ASan/UBSan) and
#                 their mutation score, lint, the gcc/clang build matrix, the
#                 isolation suite, the sabotage controls, the fault tests and
#                 the stand-ins for real runtime regressions
#   make lint     clang-format, clang-tidy and cppcheck over every C file
#   make build-matrix  build with gcc, clang and a _FORTIFY_SOURCE=3 gcc, -Werror
#   make mutants  mutation testing of the pure modules (scripts/mutants)
#   make bench    spawn latency and suite wall time
#   make soak     the suite 100 times on every runtime and the network family
#                 300 times, under stress-ng (not part of make check)
#   make check-arm64  cross-build for arm64, unit tests under qemu-user,
#                 the suite in an arm64 guest
#
# Libraries are found with pkg-config; scripts/install-deps installs them.

BUILD   := build
CC      ?= cc
PKGS    := libcap libnl-3.0 libnl-route-3.0 libnftables libcgroup json-c libseccomp libsystemd
VERSION := 0.1.0

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libnftables and libsystemd are loaded when first needed (harness/lib/dl.h:
# their dependencies cost every process milliseconds of dynamic loading);
# the others are linked statically where the distribution ships the
# archive, for the same reason.
DL_PKGS    := libnftables libsystemd
STATIC_OK  := cap nl-3 nl-route-3 cgroup json-c seccomp
# An archive is used when $(CC) finds it and it needs nothing of libsystemd:
# Debian 13's libcgroup.a (3.1) calls sd_bus_* while its libcgroup.pc does
# not say so; the shared libcgroup brings libsystemd along itself.
static_archive = $(shell a=$$($(CC) -print-file-name=lib$(1).a); \
                   [ "$$a" != lib$(1).a ] && ! nm -u "$$a" 2>/dev/null | grep -q ' U sd_' && echo "$$a")
static_or_shared = $(foreach l,$(1),$(if $(and $(filter $(l:-l%=%),$(STATIC_OK)),$(call static_archive,$(l:-l%=%))),-l:lib$(l:-l%=%).a,$(l)))
PKG_LIBS   := $(call static_or_shared,$(shell pkg-config --static --libs-only-l $(filter-out $(DL_PKGS),$(PKGS)) 2>/dev/null)) \
              $(shell pkg-config --libs-only-L $(PKGS) 2>/dev/null) -ldl
# The same libraries as shared objects, for code linked into a shared
# library (scripts/mutants builds the unit-tested modules as one).
PKG_LIBS_SHARED := $(shell pkg-config --libs $(filter-out $(DL_PKGS),$(PKGS)) 2>/dev/null) -ldl
CFLAGS  ?= -O2 -g
# An option only where $(CC) knows it (gcc and clang differ): $(call cc-option,TEST,ADD)
# adds ADD when $(CC) accepts TEST.
cc-option = $(shell $(CC) -Werror $(1) -fsyntax-only -x c /dev/null >/dev/null 2>&1 && echo '$(2)')
# Truncating snprintf is how messages are bounded here, not a bug (clang before 18
# has no such warning, and rejects the option).
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 \
           $(call cc-option,-Wformat-truncation,-Wno-format-truncation)
# Distributions' compilers may predefine _FORTIFY_SOURCE when optimising (Ubuntu
# 24.04's gcc: 3), and defining it again is an error under -Werror: add it only
# where $(CC) with these CFLAGS optimises and does not define it already.
FORTIFY := $(shell $(CC) $(CFLAGS) -dM -E -x c /dev/null 2>/dev/null | \
             awk '/define _FORTIFY_SOURCE /{f=1} /define __OPTIMIZE__ /{o=1} \
                  END{if (o && !f) print "-D_FORTIFY_SOURCE=2"}')
HARDEN  := $(FORTIFY) -fstack-protector-strong
# Full RELRO: every symbol bound at start, once, in the parent; lazily
# bound, each forked lab and case process resolved (and copied the GOT
# page of) every libc function it called first.
LDHARDEN := -Wl,-z,relro -Wl,-z,now
CFLAGS  += -std=gnu11 $(WARN) $(HARDEN) -MMD -MP \
           -DISO_VERSION='"$(VERSION)"' $(INCS) $(PKG_CFLAGS)

# harness/ by concern: core (cases, runner, specs), runtime (drivers),
# host (lab, network, cgroups), out (result sinks), lib (errors, parsers).
HDIRS   := core runtime host out lib
INCS    := $(addprefix -Iharness/,$(HDIRS))
HARNESS := $(foreach d,$(HDIRS),$(wildcard harness/$(d)/*.c))
HEADERS := $(foreach d,$(HDIRS),$(wildcard harness/$(d)/*.h))
CASES   := $(wildcard cases/*.c)
OBJS    := $(patsubst %.c,$(BUILD)/obj/%.o,harness/main.c $(HARNESS) $(CASES))
PROBE_SRC := $(wildcard harness/probe/*.c) $(addprefix harness/lib/,mountinfo.c procfs.c icmp.c util.c)
PROBE_CFLAGS = -std=gnu11 $(WARN) -O2 $(HARDEN) -Iharness/lib

# The pure modules the unit tests link (no namespaces, no root).
UNIT_SRC := $(addprefix harness/,lib/err.c lib/util.c core/expect.c lib/idmap.c lib/mountinfo.c \
            lib/procfs.c core/registry.c lib/report.c core/spec.c host/netlab.c \
            core/known.c host/cgroup.c host/cgv2.c host/cglimits.c host/systemd.c lib/ns.c lib/sys.c lib/cgfile.c lib/dl.c \
            out/tap.c out/results.c out/sink.c out/tap_sink.c out/matrix.c out/junit.c \
            out/summary.c out/annotations.c out/ktap.c core/feature.c host/preflight.c host/hostile.c \
            core/leak.c core/repeat.c host/lab.c) \
            $(wildcard harness/runtime/*.c)
# Shared fakes: libc calls the unit tests make fail on demand (fakes.h).
UNIT_FAKES   := harness/tests/fakes.c
UNIT_LDFLAGS := -Wl,--wrap=read -Wl,--wrap=write
UNIT_TESTS := $(patsubst harness/tests/%.c,$(BUILD)/tests/%,$(wildcard harness/tests/test_*.c))
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)
UNIT_CFLAGS = -std=gnu11 $(WARN) -O1 -g $(SAN) -DGOLDEN_DIR='"harness/tests/golden"' $(INCS) \
              $(CMOCKA_CFLAGS) $(PKG_CFLAGS)

.PHONY: all fixtures run check check-vm _check-vm check-runner _check-runner check-arm64 _check-arm64 \
        _arm64-leg unit suite sabotage faults bench deps clean _run _check \
        build-matrix matrix-gcc matrix-clang matrix-gcc-fortify3 _matrix-leg compdb lint mutants regressions soak
all: $(BUILD)/isocheck $(BUILD)/isoprobe

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/isocheck: $(OBJS)
	$(CC) $(CFLAGS) $(LDHARDEN) -o $@ $(OBJS) $(PKG_LIBS)

$(BUILD)/isoprobe: $(PROBE_SRC) $(wildcard harness/probe/*.h) harness/lib/mountinfo.h harness/lib/procfs.h harness/lib/icmp.h harness/lib/util.h
	@mkdir -p $(BUILD)
	$(CC) $(PROBE_CFLAGS) -static -o $@ $(PROBE_SRC)

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
_check: all fixtures unit mutants lint build-matrix suite sabotage faults regressions
	@echo "make check: all passed"

$(BUILD)/tests/%: harness/tests/%.c $(UNIT_SRC) $(UNIT_FAKES) $(HEADERS) $(wildcard harness/tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(UNIT_SRC) $(UNIT_FAKES) $(UNIT_LDFLAGS) $(CMOCKA_LIBS) $(PKG_LIBS)

unit: $(UNIT_TESTS)
	prove --exec 'env CMOCKA_MESSAGE_OUTPUT=TAP' $(UNIT_TESTS)
	scripts/tap-validate harness/tests/golden/*.tap13
	TAP14_AS_13=1 scripts/tap-validate harness/tests/golden/*.tap14
	scripts/junit-validate harness/tests/golden/sink.junit.xml harness/tests/golden/sink.tap13
	scripts/ktap-validate harness/tests/golden/sink1.ktap harness/tests/golden/sink1.tap13
	scripts/ktap-validate harness/tests/golden/sink.ktap harness/tests/golden/sink.tap13
	scripts/ktap-validate harness/tests/golden/interrupted.ktap
	scripts/ktap-validate harness/tests/golden/bail.ktap

# Do the unit tests bite? Small mutations of the pure modules, one at a
# time; at least 90% must make a unit test fail (scripts/mutants).
mutants:
	scripts/mutants

suite: all fixtures
	scripts/run-suite $(BUILD)

sabotage: all fixtures
	scripts/check-sabotage $(BUILD)/isocheck

faults: all fixtures
	scripts/test-faults $(BUILD)/isocheck

# stand-ins for real runtime regressions must get a real not ok; --rootfs
# on hostile roots must leave their canaries unchanged on every runtime
regressions: all fixtures
	scripts/test-regressions $(BUILD)/isocheck
	scripts/test-hostile-rootfs $(BUILD)/isocheck $(BUILD)/rootfs

# 100 runs of every runtime and 300 of the network family under stress-ng;
# long, so not part of make check (SOAK_RUNS / SOAK_NET_RUNS to shorten)
SOAK_RUNS ?= 100
SOAK_NET_RUNS ?= 300
soak: all fixtures
	scripts/soak $(BUILD) $(SOAK_RUNS) $(SOAK_NET_RUNS)

VMEXIT_CFLAGS = -std=gnu11 $(WARN) -O2
$(BUILD)/vm-exit: ci/vm/vm-exit.c
	@mkdir -p $(BUILD)
	$(CC) $(VMEXIT_CFLAGS) -static -o $@ $<

# The whole suite inside a freshly booted kernel (pure cgroup v2): every
# case passes there, the cgroup cases pass from a sibling cgroup when the
# run's own holds another process and there is no systemd (a runner's
# layout), the cgroup cases fail under their sabotages there too,
# vm-run's faults are handled, every runtime runs there as well, and host
# and VM agree case by case.
VM_SABOTAGES := no-memory-limit no-pids-limit no-cgroupns no-cpu-limit no-oom-group no-memory-high \
                no-cgroup-join memory-high-as-max
check-vm: deps
	@$(MAKE) --no-print-directory _check-vm
# Under TCG a guest runs an order of magnitude slower than the host, and
# slower still on a loaded machine: the guest's case timeout is widened so
# a slow emulator is not reported as a hung case.
VM_RUN := scripts/vm-run --build $(BUILD) --timeout 900
VM_ISO := --timeout 90
_check-vm: all fixtures $(BUILD)/vm-exit
	$(VM_RUN) -- $(VM_ISO) > $(BUILD)/vm.tap; rc=$$?; cat $(BUILD)/vm.tap; exit $$rc
	prove --exec cat $(BUILD)/vm.tap
	@# no systemd, the run's cgroup shared with another process (vm-run
	@# --busy-cgroup): the cgroup cases run from a sibling cgroup, none skips
	$(VM_RUN) --busy-cgroup -- $(VM_ISO) --require cgroup cgroup > $(BUILD)/vm-sibling.tap; \
	    rc=$$?; cat $(BUILD)/vm-sibling.tap; exit $$rc
	grep -q "^# cgroup v2: /system.slice/agent.service also holds .*(systemd is not running): the run's cgroups are a sibling under /system.slice," $(BUILD)/vm-sibling.tap
	test "$$(grep -cE '^ok [0-9]+ - cgroup\.[a-z_]+ # time=' $(BUILD)/vm-sibling.tap)" -ge 4
	SABOTAGES="$(VM_SABOTAGES)" scripts/check-sabotage $(BUILD)/isocheck $(VM_RUN) -- $(VM_ISO)
	scripts/test-vm-faults $(BUILD)
	$(BUILD)/isocheck > $(BUILD)/host.tap; scripts/compare-tap $(BUILD)/host.tap $(BUILD)/vm.tap
	$(VM_RUN) -- $(VM_ISO) --runtime all > $(BUILD)/vm-runtimes.tap; rc=$$?; \
	    grep -E '^not ok|^# (runtime|cgroup)' $(BUILD)/vm-runtimes.tap; exit $$rc
	$(BUILD)/isocheck --runtime all > $(BUILD)/host-runtimes.tap; \
	    scripts/compare-tap $(BUILD)/host-runtimes.tap $(BUILD)/vm-runtimes.tap

# A throwaway VM shaped like a GitHub-hosted runner (systemd as PID 1, pure
# cgroup v2, the suite in a service's cgroup beside another process, Docker's
# FORWARD DROP): the cgroup, NAT and PID cases must really run there on the
# built-in runtime, crun, runc and LXC, from a delegated systemd scope, and skip
# with the reason when delegation is off; LXC and systemd-nspawn run there
# too, the one place they meet pure cgroup v2 (scripts/runner-guest; the
# guest's Debian tree is built once and kept in $(BUILD)/runner-guest).
# Under TCG on two busy cores the boot and both runs took 651 s with LXC and
# nspawn (339 s without): the guest gets 1800 s.
check-runner: deps
	@$(MAKE) --no-print-directory _check-runner
_check-runner: all fixtures $(BUILD)/vm-exit
	scripts/runner-guest --build $(BUILD) --timeout 1800 > $(BUILD)/runner.tap

# arm64: the tree cross-built with Debian's aarch64 toolchain against the
# arm64 libraries (multiarch: scripts/install-deps arm64), -Werror, in
# $(BUILD)/arm64; the unit tests run under qemu-user, and the whole suite
# in an arm64 kernel under qemu-system-aarch64 (scripts/vm-run-arm64: TCG,
# 11.5 s on 2 quiet cores, 1.5 min on busy ones). The unit tests are built with UBSan and
# without ASan: under qemu 7.2 LeakSanitizer cannot run, and a forked
# child of an ASan test crashed with SIGSEGV (test_rt's init-pid test);
# libubsan comes from the cross toolchain's directory; the emulator runs
# with the multiarch loader, not -L (qemu 7.2's path lookup hangs forked
# children). A test of what qemu-user does not emulate skips, saying why
# (ISO_QEMU_USER, harness/tests/fakes.h; scripts/qemu-unit). On an arm64
# host the unit tests are native, with ASan.
ARM64_CC     := aarch64-linux-gnu-gcc
ARM64_PKGDIR := /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig
ARM64_SAN    := -fsanitize=undefined -fno-sanitize-recover=all
check-arm64: deps
	scripts/install-deps arm64
	@$(MAKE) --no-print-directory _check-arm64
ifeq ($(shell uname -m),aarch64)
_check-arm64: unit
	@echo "check-arm64: this host is arm64: the unit tests ran natively (make unit)"
else
_check-arm64:
	@command -v $(ARM64_CC) >/dev/null && command -v qemu-aarch64 >/dev/null || \
	    { echo "check-arm64: no $(ARM64_CC) or qemu-aarch64 (scripts/install-deps arm64 sets them up on Debian amd64)" >&2; exit 1; }
	PKG_CONFIG_LIBDIR=$(ARM64_PKGDIR) $(MAKE) --no-print-directory $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(NPROC)) \
	    BUILD=$(BUILD)/arm64 CC=$(ARM64_CC) SAN='$(ARM64_SAN)' _arm64-leg
	scripts/vm-run-arm64 --build $(BUILD) --timeout 900 -- --timeout 150 > $(BUILD)/arm64/vm.tap; \
	    rc=$$?; cat $(BUILD)/arm64/vm.tap; exit $$rc
	prove --exec cat $(BUILD)/arm64/vm.tap
	@echo "check-arm64: the suite passes in an arm64 guest"
endif
_arm64-leg: all $(BUILD)/vm-exit $(UNIT_TESTS)
	@file -L $(BUILD)/isocheck $(BUILD)/isoprobe $(BUILD)/vm-exit $(UNIT_TESTS) | grep -v 'ARM aarch64' | \
	    { ! grep . >&2 || { echo "check-arm64: not aarch64 binaries (above)" >&2; false; }; }
	prove --exec scripts/qemu-unit $(UNIT_TESTS)
	@echo "check-arm64: $(BUILD): isocheck, isoprobe, vm-exit and $(words $(UNIT_TESTS)) unit tests built for aarch64; the unit tests pass under qemu-user"

# The same tree with each compiler it is built with -- gcc, clang, a gcc that
# predefines _FORTIFY_SOURCE=3 as Ubuntu 24.04's does (-U first: Ubuntu
# 22.04's gcc predefines 2, and -D alone would redefine it), and gcc with
# glibc 2.35's <sched.h> (Ubuntu 22.04) -- each in its own build dir,
# -Werror. The unit tests are compiled, not linked: make unit runs them.
NPROC   := $(shell nproc 2>/dev/null || echo 2)
MATRIX  := $(BUILD)/matrix
UNIT_OBJS := $(addsuffix .o,$(UNIT_TESTS))
leg = +@$(MAKE) -s --no-print-directory $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(NPROC)) \
          BUILD=$(MATRIX)/$(1) CC='$(2)' _matrix-leg && echo "build-matrix: $(1) ($(2)) ok"
build-matrix: matrix-gcc matrix-clang matrix-gcc-fortify3 matrix-gcc-glibc235
matrix-gcc:
	$(call leg,gcc,gcc)
matrix-clang:
	$(call leg,clang,clang)
matrix-gcc-fortify3:
	$(call leg,gcc-fortify3,gcc -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3)
# <sched.h> as glibc 2.35 has it (no CLONE_NEWTIME: ci/glibc-2.35.h)
matrix-gcc-glibc235:
	$(call leg,gcc-glibc235,gcc -include $(CURDIR)/ci/glibc-2.35.h)
_matrix-leg: all $(BUILD)/vm-exit $(UNIT_OBJS)

$(BUILD)/tests/%.o: harness/tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -MMD -MP -c -o $@ $<

# How each translation unit is compiled, for clang-tidy and cppcheck (scripts/lint).
comma := ,
define newline


endef
# "arguments" holds each word as the compiler receives it: the shell quotes around
# -DISO_VERSION='"0.1.0"' go (cppcheck would read them as part of the value).
json_str  = "$(subst ",\",$(subst \,\\,$(subst ',,$(1))))"
cdb_entry = {"directory": "$(CURDIR)", "file": "$(1)", "arguments": [$(subst " ","$(comma) ",$(foreach w,$(CC) $(2) -c $(1),$(call json_str,$(w))))]}
CDB = $(foreach f,harness/main.c $(HARNESS) $(CASES),$(call cdb_entry,$(f),$(CFLAGS))) \
      $(foreach f,$(wildcard harness/probe/*.c),$(call cdb_entry,$(f),$(PROBE_CFLAGS))) \
      $(foreach f,$(wildcard harness/tests/*.c),$(call cdb_entry,$(f),$(UNIT_CFLAGS))) \
      $(call cdb_entry,ci/vm/vm-exit.c,$(VMEXIT_CFLAGS))
compdb:
	$(shell mkdir -p $(BUILD))$(file >$(BUILD)/compile_commands.json,[$(newline)$(subst } {,}$(comma)$(newline){,$(strip $(CDB)))$(newline)])
	@echo "compdb: $(BUILD)/compile_commands.json"

# clang-format, clang-tidy and cppcheck over every C file (scripts/lint).
lint:
	scripts/lint --build $(BUILD)

bench: deps
	@$(MAKE) --no-print-directory all fixtures $(BUILD)/vm-exit
	scripts/bench $(BUILD)

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d) $(UNIT_OBJS:.o=.d)
