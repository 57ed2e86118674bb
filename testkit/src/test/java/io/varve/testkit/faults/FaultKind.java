package io.varve.testkit.faults;

import java.util.EnumSet;
import java.util.Set;

/** The faults the suite injects, each followed by its recovery (see {@link FaultInjector}). */
enum FaultKind {
    LEADER_KILL("SIGKILL of the node leading the most partitions, then a restart"),
    CONTROLLER_KILL("SIGKILL of the active controller (DescribeCluster), then a restart"),
    PAUSE_PAST_SESSION("SIGSTOP of a node past broker.session.timeout.ms, then SIGCONT"),
    TWO_NODES_KILL("SIGKILL of two nodes together, then a restart of both"),
    CLUSTER_KILL("SIGKILL of every node, then a restart of all"),
    CLUSTER_TERMINATE("SIGTERM of every node (a clean stop, exit code 0), then a restart of all"),
    ZEROED_TAIL("a node killed, the last 1-8 KiB of a partition's newest segment zeroed, then a restart"),
    FLIPPED_BYTE("a node killed, one byte of a batch in a partition's newest segment flipped, then a restart"),
    DELETED_INDEX("a node killed, the .index file of one of a partition's segments deleted, then a restart"),
    COORDINATOR_KILL("SIGKILL of the group coordinator's node while three consumers commit, then a restart"),
    DISK_FULL("a node restarted on a size-capped log dir (ext4 image or tmpfs) until it is full, then on its own disk again");

    /** The kinds of the default schedule. */
    static final Set<FaultKind> DEFAULT = EnumSet.complementOf(EnumSet.of(DISK_FULL));

    private final String description;

    FaultKind(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }
}
