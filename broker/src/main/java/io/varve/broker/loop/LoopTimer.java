package io.varve.broker.loop;

import java.util.function.LongConsumer;

/**
 * A timer of one {@link EventLoop}: fires once at {@link #deadlineNs()} on the loop's thread, unless
 * cancelled first. Timers with equal deadlines fire in the order they were scheduled, so a seed
 * replays exactly. Not thread-safe: the owning loop's thread only.
 */
public final class LoopTimer implements Comparable<LoopTimer> {

    private final long periodNs;
    private final LongConsumer action;
    private long deadlineNs;
    private long sequence;
    private boolean cancelled;

    /** @param periodNs 0 for a one-shot timer, else the time from one firing to the next */
    LoopTimer(long deadlineNs, long sequence, long periodNs, LongConsumer action) {
        this.deadlineNs = deadlineNs;
        this.sequence = sequence;
        this.periodNs = periodNs;
        this.action = action;
    }

    public long deadlineNs() {
        return deadlineNs;
    }

    /** Stops the timer (and a periodic one's series) from firing; harmless after it fired. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Runs the action; true when the timer must be queued again (periodic, not cancelled by its
     * action), with its next deadline a period after {@code nowNs} and a fresh place in the order.
     */
    boolean fire(long nowNs, long nextSequence) {
        if (cancelled) {
            return false;
        }
        if (periodNs == 0) {
            cancelled = true;
        }
        action.accept(nowNs);
        if (cancelled) {
            return false;
        }
        deadlineNs = nowNs + periodNs;
        sequence = nextSequence;
        return true;
    }

    @Override
    public int compareTo(LoopTimer o) {
        int byDeadline = Long.compare(deadlineNs, o.deadlineNs);
        return byDeadline != 0 ? byDeadline : Long.compare(sequence, o.sequence);
    }
}
