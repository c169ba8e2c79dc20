/* hardening.h - the probe's hardening commands: capability sets,
 * no_new_privs and seccomp mode, descriptors, masked and read-only paths,
 * a syscall a filter may deny, a write to the root, where the runtime's
 * binary is reachable. */
#ifndef ISO_PROBE_HARDENING_H
#define ISO_PROBE_HARDENING_H

int cmd_status(int argc, char **argv);
int cmd_fds(int argc, char **argv);
int cmd_masked(int argc, char **argv);
int cmd_readonly(int argc, char **argv);
int cmd_syscall(int argc, char **argv);
int cmd_write_root(int argc, char **argv);
int cmd_runtime_bin(int argc, char **argv);
int cmd_cwd(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_devices(int argc, char **argv);

#endif
