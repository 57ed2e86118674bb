package io.varve.consumer;

import io.varve.common.TopicPartition;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The assigned partitions and, for each, its position (the offset of the next record poll returns),
 * whether it waits for a reset, and whether it is paused.
 *
 * <p>A partition is in one of two states: it has a position ({@code position ≥ 0}), or it awaits a
 * reset, by an explicit strategy ({@code seekToBeginning}/{@code seekToEnd}, or an out-of-range
 * answer) or by {@code auto.offset.reset} (just assigned). A {@link #seek} moves it to a position
 * and ends any pending reset. Every change to a partition's position bumps its epoch, so fetched
 * data that was asked for before the change is recognised as stale and dropped.
 *
 * <p>Not thread-safe: owned by the consumer's polling thread.
 */
final class SubscriptionState {

    /** One assigned partition. */
    static final class PartitionState {
        private long position = -1L;
        private OffsetResetStrategy resetStrategy;
        private boolean paused;
        private long epoch;

        long position() {
            return position;
        }

        boolean hasPosition() {
            return position >= 0;
        }

        /** How this partition's pending reset resolves; null when it has a position. */
        OffsetResetStrategy resetStrategy() {
            return resetStrategy;
        }

        boolean paused() {
            return paused;
        }

        /** Bumped on every seek or reset: a change of position not made by poll. */
        long epoch() {
            return epoch;
        }
    }

    private final OffsetResetStrategy defaultReset;
    private final Map<TopicPartition, PartitionState> partitions = new LinkedHashMap<>();

    SubscriptionState(OffsetResetStrategy defaultReset) {
        this.defaultReset = defaultReset;
    }

    /**
     * Replaces the assignment; partitions that stay keep their position and pause state, new ones
     * await a reset by {@code auto.offset.reset}.
     */
    void assign(Collection<TopicPartition> assignment) {
        Set<TopicPartition> wanted = new LinkedHashSet<>(assignment);
        partitions.keySet().retainAll(wanted);
        for (TopicPartition tp : wanted) {
            partitions.computeIfAbsent(tp, t -> {
                PartitionState s = new PartitionState();
                s.resetStrategy = defaultReset;
                return s;
            });
        }
    }

    Set<TopicPartition> assignment() {
        return Set.copyOf(partitions.keySet());
    }

    /** Assigned partitions in assignment order, live view: do not change while iterating. */
    Map<TopicPartition, PartitionState> states() {
        return partitions;
    }

    boolean isAssigned(TopicPartition tp) {
        return partitions.containsKey(tp);
    }

    /** The partition's state; throws when it is not assigned (a programmer error). */
    PartitionState state(TopicPartition tp) {
        PartitionState s = partitions.get(tp);
        if (s == null) {
            throw new IllegalStateException("partition not assigned to this consumer: " + tp);
        }
        return s;
    }

    /** Sets the position, ending any pending reset. */
    void seek(TopicPartition tp, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("seek offset must be >= 0: " + offset);
        }
        PartitionState s = state(tp);
        s.position = offset;
        s.resetStrategy = null;
        s.epoch++;
    }

    /** Forgets the position: the next poll or position() looks it up by {@code strategy}. */
    void requestReset(TopicPartition tp, OffsetResetStrategy strategy) {
        PartitionState s = state(tp);
        s.position = -1L;
        s.resetStrategy = strategy;
        s.epoch++;
    }

    /** Applies a reset's answer, unless the partition was seeked or reset again since it was asked (same epoch). */
    boolean completeReset(TopicPartition tp, long epochAsked, long offset) {
        PartitionState s = partitions.get(tp);
        if (s == null || s.epoch != epochAsked || s.hasPosition()) {
            return false;
        }
        s.position = offset;
        s.resetStrategy = null;
        s.epoch++;
        return true;
    }

    /** Moves the position forward as poll returns records; no epoch change (fetched data stays valid). */
    void advance(TopicPartition tp, long nextOffset) {
        PartitionState s = state(tp);
        s.position = nextOffset;
    }

    void pause(TopicPartition tp) {
        state(tp).paused = true;
    }

    void resume(TopicPartition tp) {
        state(tp).paused = false;
    }

    Set<TopicPartition> paused() {
        Set<TopicPartition> out = new LinkedHashSet<>();
        partitions.forEach((tp, s) -> {
            if (s.paused) {
                out.add(tp);
            }
        });
        return Set.copyOf(out);
    }

    /** Partitions awaiting a reset, with their strategy. */
    Map<TopicPartition, OffsetResetStrategy> pendingResets() {
        Map<TopicPartition, OffsetResetStrategy> out = new LinkedHashMap<>();
        partitions.forEach((tp, s) -> {
            if (!s.hasPosition()) {
                out.put(tp, s.resetStrategy);
            }
        });
        return out;
    }

    /** Whether the partition may be fetched: assigned, not paused, with a position. */
    boolean isFetchable(TopicPartition tp) {
        PartitionState s = partitions.get(tp);
        return s != null && !s.paused && s.hasPosition();
    }

    OffsetResetStrategy defaultReset() {
        return defaultReset;
    }
}
