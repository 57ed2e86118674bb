package io.varve.broker.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.raft.log.AppendOutcome;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A proposal completes once, when its fate is known: committed only if the committed entry at its
 * index carries its term (Raft §5.4: an entry of another term at that index means it was lost).
 */
class PendingProposalsTest {

    /** Terms by index in a log: index i has term TERMS[i]; each entry holds two records. */
    private static final int[] TERMS = {0, 1, 1, 2, 2};

    private final PendingProposals pending = new PendingProposals(3);

    @Test
    void committedAtItsOwnTermAnswersTheRecordsOffsets() {
        CompletableFuture<AppendOutcome> first = propose(3, 2, 100);
        CompletableFuture<AppendOutcome> second = propose(4, 2, 100);
        commit(3);
        assertEquals(AppendOutcome.committed(4, 5), first.join());
        assertFalse(second.isDone(), "index 4 is not committed yet");
        commit(4);
        assertEquals(AppendOutcome.committed(6, 7), second.join());
        assertEquals(0, pending.size());
    }

    @Test
    void anotherTermCommittedAtItsIndexMeansLost() {
        CompletableFuture<AppendOutcome> lost = propose(2, 3, 100);
        commit(2);
        assertEquals(AppendOutcome.Status.NOT_LEADER, lost.join().status());
    }

    @Test
    void truncationAndOverwriteLoseEveryProposalAbove() {
        CompletableFuture<AppendOutcome> kept = propose(2, 1, 100);
        CompletableFuture<AppendOutcome> cut = propose(3, 1, 100);
        pending.onTruncatedAfter(2);
        assertFalse(kept.isDone());
        assertEquals(AppendOutcome.Status.NOT_LEADER, cut.join().status());
        CompletableFuture<AppendOutcome> reused = propose(2, 3, 100);
        assertEquals(AppendOutcome.Status.NOT_LEADER, kept.join().status(), "index 2 was proposed again in a later term");
        assertFalse(reused.isDone());
    }

    @Test
    void deadlinesExpireAndTheQueueIsBounded() {
        CompletableFuture<AppendOutcome> early = propose(1, 1, 10);
        CompletableFuture<AppendOutcome> late = propose(2, 1, 20);
        propose(3, 1, 30);
        assertFalse(pending.hasRoom());
        assertThrows(IllegalStateException.class, () -> propose(4, 1, 40));
        pending.expire(10);
        assertEquals(AppendOutcome.Status.NOT_LEADER, early.join().status());
        assertFalse(late.isDone());
        assertTrue(pending.hasRoom());
        pending.failAll(AppendOutcome.Status.FAILED, "stopped");
        assertEquals(AppendOutcome.Status.FAILED, late.join().status());
    }

    private CompletableFuture<AppendOutcome> propose(long index, int term, long deadlineNs) {
        CompletableFuture<AppendOutcome> done = new CompletableFuture<>();
        pending.add(index, term, deadlineNs, done);
        return done;
    }

    private void commit(long index) {
        pending.onCommitted(index, i -> TERMS[(int) i], i -> 2 * i);
    }
}
