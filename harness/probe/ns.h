/* ns.h - probe commands for namespace semantics beyond plain isolation:
 * signals to a PID namespace's init, mount propagation, the mqueue and
 * sysfs views, per-namespace sysctls, link events, user namespace rules. */
#ifndef ISO_PROBE_NS_H
#define ISO_PROBE_NS_H

/* ns_pid.c */
int probe_cmd_init_signals(int argc, char **argv);
int probe_cmd_kill_init(int argc, char **argv);
/* ns_fs.c */
int probe_cmd_mqueue_ls(int argc, char **argv);
int probe_cmd_propagate(int argc, char **argv);
int probe_cmd_bind(int argc, char **argv);
/* ns_net.c */
int probe_cmd_sysfs_net(int argc, char **argv);
int probe_cmd_sysctl_net(int argc, char **argv);
int probe_cmd_link_events(int argc, char **argv);
/* ns_user.c */
int probe_cmd_setgroups(int argc, char **argv);
int probe_cmd_nested_map(int argc, char **argv);
int probe_cmd_reach_lab(int argc, char **argv);
int probe_cmd_unmapped_create(int argc, char **argv);

#endif
