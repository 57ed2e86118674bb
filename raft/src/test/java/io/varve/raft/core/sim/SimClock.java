package io.varve.raft.core.sim;

/**
 * A node's own clock: it starts at an offset from simulated time and runs faster or slower by
 * {@code driftPpm} parts per million (always forwards). What the node reads as {@code nowNs}.
 */
record SimClock(long offsetNs, long driftPpm) {

    SimClock {
        if (driftPpm <= -1_000_000) {
            throw new IllegalArgumentException("a clock must move forwards");
        }
    }

    long localNs(long simNs) {
        return offsetNs + simNs + simNs * driftPpm / 1_000_000; // fits: simulated runs last seconds
    }
}
