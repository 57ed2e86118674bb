package io.varve.broker.quorum;

import io.varve.raft.log.AppendOutcome;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongToIntFunction;
import java.util.function.LongUnaryOperator;

/**
 * Proposals this node's leader accepted and that wait for their fate, in index order: committed
 * (the committed entry at their index has their term), or lost (a different term committed there,
 * the log was truncated below them, or their deadline passed). Each completes exactly once.
 *
 * <p>Not thread-safe: the Raft driver's thread only; the futures may be awaited anywhere.
 */
final class PendingProposals {

    private record Pending(long index, int term, long deadlineNs, CompletableFuture<AppendOutcome> done) {
    }

    private final int maxPending;
    private final Deque<Pending> pending = new ArrayDeque<>();

    PendingProposals(int maxPending) {
        this.maxPending = maxPending;
    }

    /** Whether another proposal may wait. */
    boolean hasRoom() {
        return pending.size() < maxPending;
    }

    int size() {
        return pending.size();
    }

    /** Tracks a proposal accepted at {@code index} in {@code term}. */
    void add(long index, int term, long deadlineNs, CompletableFuture<AppendOutcome> done) {
        if (!hasRoom()) {
            throw new IllegalStateException("more than " + maxPending + " proposals pending");
        }
        Pending last = pending.peekLast();
        if (last != null && last.index >= index) {
            // A new leader term reused indexes: the older proposals there are overwritten.
            failFrom(index, "overwritten by a later proposal at index " + index);
        }
        pending.addLast(new Pending(index, term, deadlineNs, done));
    }

    /**
     * Completes every proposal up to {@code commitIndex}: committed when its term is the log's there.
     *
     * @param termAt      the term of a log index
     * @param endOffsetOf the metadata offset after a log index's records
     */
    void onCommitted(long commitIndex, LongToIntFunction termAt, LongUnaryOperator endOffsetOf) {
        while (!pending.isEmpty() && pending.peekFirst().index <= commitIndex) {
            Pending p = pending.pollFirst();
            if (termAt.applyAsInt(p.index) == p.term) {
                long base = endOffsetOf.applyAsLong(p.index - 1);
                p.done.complete(AppendOutcome.committed(base, endOffsetOf.applyAsLong(p.index) - 1));
            } else {
                p.done.complete(AppendOutcome.notCommitted(AppendOutcome.Status.NOT_LEADER,
                    "leadership was lost; another leader's entry committed at index " + p.index));
            }
        }
    }

    /** The log lost every entry after {@code index}: proposals there will never commit. */
    void onTruncatedAfter(long index) {
        failFrom(index + 1, "leadership was lost; the entry was truncated");
    }

    private void failFrom(long index, String why) {
        while (!pending.isEmpty() && pending.peekLast().index >= index) {
            pending.pollLast().done.complete(AppendOutcome.notCommitted(AppendOutcome.Status.NOT_LEADER, why));
        }
    }

    /** Gives up on proposals past their deadline: their outcome is unknown to the caller. */
    void expire(long nowNs) {
        pending.removeIf(p -> {
            if (nowNs - p.deadlineNs >= 0) {
                p.done.complete(AppendOutcome.notCommitted(AppendOutcome.Status.NOT_LEADER,
                    "not committed in time; the outcome is unknown"));
                return true;
            }
            return false;
        });
    }

    /** Fails everything (the quorum stopped or failed). */
    void failAll(AppendOutcome.Status status, String why) {
        while (!pending.isEmpty()) {
            pending.pollFirst().done.complete(AppendOutcome.notCommitted(status, why));
        }
    }
}
