package io.varve.raft.core;

import java.util.ArrayDeque;

/**
 * What a leader knows of one follower's log (§5.3: nextIndex, matchIndex), and how it sends:
 * PROBE (one request at a time until the logs match), REPLICATE (optimistic pipelining, up to
 * {@code maxInflight} requests in flight) or SNAPSHOT (waiting for a snapshot to be installed).
 * Not thread-safe.
 */
final class Progress {

    enum Mode { PROBE, REPLICATE, SNAPSHOT }

    private long matchIndex;
    private long nextIndex;
    private Mode mode = Mode.PROBE;
    /** Last index of each AppendRequest with entries in flight, oldest first; bounded by maxInflight. */
    private final ArrayDeque<Long> inflight;
    private final int maxInflight;
    private long snapshotSentNs;
    private long matchAtLastHeartbeat;

    Progress(long nextIndex, int maxInflight) {
        this.nextIndex = nextIndex;
        this.maxInflight = maxInflight;
        this.inflight = new ArrayDeque<>(maxInflight);
    }

    long matchIndex() {
        return matchIndex;
    }

    long nextIndex() {
        return nextIndex;
    }

    Mode mode() {
        return mode;
    }

    int inflightCount() {
        return inflight.size();
    }

    boolean inflightFull() {
        return inflight.size() >= maxInflight;
    }

    /** Whether a new AppendRequest with entries may go now. */
    boolean canSend() {
        return switch (mode) {
            case PROBE -> inflight.isEmpty();
            case REPLICATE -> !inflightFull();
            case SNAPSHOT -> false;
        };
    }

    /** An AppendRequest carrying entries up to {@code lastIndex} went out. */
    void onSent(long lastIndex) {
        inflight.addLast(lastIndex);
        if (mode == Mode.REPLICATE) {
            nextIndex = lastIndex + 1;
        }
    }

    /** The follower holds everything up to {@code index}; returns whether matchIndex moved. */
    boolean onMatch(long index) {
        while (!inflight.isEmpty() && inflight.peekFirst() <= index) {
            inflight.pollFirst();
        }
        boolean moved = index > matchIndex;
        if (moved) {
            matchIndex = index;
        }
        nextIndex = Math.max(nextIndex, matchIndex + 1);
        if (mode != Mode.REPLICATE && (mode == Mode.PROBE || moved)) {
            becomeReplicate();
        }
        return moved;
    }

    /** The follower refused: back up to just after {@code hint}, never below matchIndex + 1, and probe. */
    void onReject(long hint) {
        nextIndex = Math.max(matchIndex + 1, Math.min(nextIndex, hint + 1));
        mode = Mode.PROBE;
        inflight.clear();
    }

    /** A snapshot went out at {@code nowNs}; wait for its answer. */
    void becomeSnapshot(long nowNs) {
        mode = Mode.SNAPSHOT;
        inflight.clear();
        snapshotSentNs = nowNs;
    }

    long snapshotSentNs() {
        return snapshotSentNs;
    }

    /** Back to probing from {@code next}, e.g. a snapshot that seems lost. */
    void becomeProbe() {
        mode = Mode.PROBE;
        inflight.clear();
        nextIndex = matchIndex + 1;
    }

    private void becomeReplicate() {
        mode = Mode.REPLICATE;
        inflight.clear();
        nextIndex = matchIndex + 1;
    }

    /**
     * At a heartbeat: whether the pipeline looks stuck (requests in flight, no progress since the last
     * heartbeat), which happens when requests were lost. Remembers the match index for next time.
     */
    boolean stalledSinceLastHeartbeat() {
        boolean stalled = !inflight.isEmpty() && matchIndex == matchAtLastHeartbeat;
        matchAtLastHeartbeat = matchIndex;
        return stalled;
    }
}
