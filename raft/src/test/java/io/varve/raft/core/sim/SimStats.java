package io.varve.raft.core.sim;

import java.util.Arrays;

/**
 * What a simulated run exercised: how many messages the network lost, cut, duplicated and reordered,
 * how many crashes lost unsynced writes, snapshots sent and installed, leaders elected, entries
 * committed. Tests check these so that a simulation that silently injects nothing fails. Counters
 * add up over seeds with {@link #plus}. Not thread-safe.
 */
final class SimStats {

    /** One thing a run counts. */
    enum Counter {
        /** The highest index committed anywhere (summed over seeds, entries committed). */
        COMMITTED,
        /** Entries applied by any state machine. */
        APPLIED,
        MESSAGES_SENT,
        MESSAGES_DELIVERED,
        /** Dropped at random (the drop rate), or because too many were in flight. */
        MESSAGES_LOST,
        /** Dropped by a partition, when sent or when they would have arrived. */
        MESSAGES_CUT,
        /** Sent twice by the network (each copy may arrive). */
        MESSAGES_DUPLICATED,
        /** Delivered after a message sent later on the same link. */
        MESSAGES_REORDERED,
        /** Symmetric, asymmetric, bridge partitions and leader-churn isolations. */
        PARTITIONS,
        /** Power losses and bounces, including those between a Ready's write and its fsync. */
        CRASHES,
        /** Crashes that lost at least one unsynced write. */
        CRASHES_LOSING_WRITES,
        /** Crashes between a Ready's write and its fsync: nothing of that Ready was sent. */
        MID_READY_CRASHES,
        RESTARTS,
        SNAPSHOTS_SENT,
        /** Snapshots a follower's state machine restored from a leader's. */
        SNAPSHOTS_INSTALLED,
        SNAPSHOTS_TAKEN,
        /** Terms in which a node became leader. */
        LEADERS_ELECTED,
        /** The highest term of any node up at the end. */
        TERMS,
        CHURN_ISOLATIONS,
        CHURN_KILLS
    }

    private final long[] counts = new long[Counter.values().length];

    long get(Counter counter) {
        return counts[counter.ordinal()];
    }

    void add(Counter counter) {
        counts[counter.ordinal()]++;
    }

    void set(Counter counter, long value) {
        counts[counter.ordinal()] = value;
    }

    /** A new total of this and {@code other}. */
    SimStats plus(SimStats other) {
        SimStats sum = new SimStats();
        Arrays.setAll(sum.counts, i -> counts[i] + other.counts[i]);
        return sum;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Counter counter : Counter.values()) {
            out.append(out.length() == 0 ? "" : " ").append(counter.name().toLowerCase()).append('=').append(get(counter));
        }
        return out.toString();
    }
}
