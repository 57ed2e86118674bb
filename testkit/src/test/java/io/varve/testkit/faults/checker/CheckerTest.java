package io.varve.testkit.faults.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.testkit.faults.checker.CheckReport.Kind;
import io.varve.testkit.faults.checker.ReadBack.Read;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checker on synthetic histories and read-backs, no processes: each kind of anomaly is found,
 * counted in its partition and shown by example, and a check over nothing refuses to pass. A checker
 * that cannot fail proves nothing about the fault suite that relies on it.
 */
class CheckerTest {

    private final History history = new History();
    private final List<Read> log = new ArrayList<>();

    /** Writer {@code writer} sends record {@code sequence} to {@code partition}; the broker acknowledges it at {@code offset}. */
    private String acked(int writer, long sequence, int partition, long offset) {
        String value = sent(writer, sequence, partition);
        history.onAck(value, partition, offset);
        return value;
    }

    private String sent(int writer, long sequence, int partition) {
        return history.onSend(writer, sequence, key(writer, sequence), partition).value();
    }

    private static String key(int writer, long sequence) {
        return "k" + (writer * 31 + sequence) % 7;
    }

    private void stored(int partition, long offset, String value) {
        History.Sent s = history.sent(value);
        log.add(new Read(partition, offset, s == null ? "k?" : s.key(), value));
    }

    /** Writes, acknowledges and stores {@code count} records of writer 1 round-robin over two partitions. */
    private void cleanRun(int count) {
        long[] next = new long[2];
        for (int i = 0; i < count; i++) {
            int p = i % 2;
            stored(p, next[p], acked(1, i, p, next[p]));
            next[p]++;
        }
    }

    private CheckReport check() {
        return Checker.check(history, ReadBack.of(log));
    }

    private static Map<Kind, Integer> anomalies(CheckReport report) {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            if (kind.isAnomaly() && report.count(kind) > 0) {
                counts.put(kind, report.count(kind));
            }
        }
        return counts;
    }

    @Test
    void everyAcknowledgedRecordOnceAtItsOffsetInSendOrderIsClean() {
        cleanRun(10);
        CheckReport report = check();
        report.assertClean();
        assertEquals(10, report.acknowledged());
        assertEquals(10, report.read());
        assertEquals(Map.of(), anomalies(report));
    }

    @Test
    void aHistoryWithNoAcknowledgementIsRefusedEvenWhenNothingIsWrong() {
        CheckReport empty = check();
        assertFalse(empty.isClean());
        AssertionError e = assertThrows(AssertionError.class, empty::assertClean);
        assertTrue(e.getMessage().contains("no acknowledged record"), e.getMessage());

        // Sends whose answers never came, some of them in the log: still nothing to check.
        String inLog = sent(1, 0, 0);
        sent(1, 1, 0);
        stored(0, 0, inLog);
        CheckReport unanswered = check();
        assertEquals(1, unanswered.count(Kind.UNACKNOWLEDGED_PRESENT));
        assertThrows(AssertionError.class, unanswered::assertClean);
    }

    @Test
    void anAcknowledgedRecordNotReadIsLost() {
        cleanRun(6);
        String missing = acked(2, 0, 1, 3);
        CheckReport report = check();
        assertEquals(Map.of(Kind.LOST, 1), anomalies(report));
        assertEquals(1, report.count(Kind.LOST, 1));
        assertEquals(0, report.count(Kind.LOST, 0));
        assertTrue(report.examples(Kind.LOST).get(0).contains(missing), report.toString());
        AssertionError e = assertThrows(AssertionError.class, report::assertClean);
        assertTrue(e.getMessage().contains("1 lost") && e.getMessage().contains(missing), e.getMessage());
    }

    @Test
    void aRecordReadTwiceIsDuplicatedWhetherAcknowledgedOrNot() {
        String a = acked(1, 0, 0, 0);
        stored(0, 0, a);
        stored(0, 1, a);
        String b = sent(1, 1, 0);
        stored(0, 2, b);
        stored(0, 3, b);
        CheckReport report = check();
        assertEquals(Map.of(Kind.DUPLICATED, 2), anomalies(report));
        assertEquals(2, report.count(Kind.DUPLICATED, 0));
        assertEquals(1, report.count(Kind.UNACKNOWLEDGED_PRESENT));
        assertThrows(AssertionError.class, report::assertClean);
    }

    @Test
    void aWritersRecordsReadOutOfSendOrderInAPartitionAreReordered() {
        String first = acked(1, 0, 0, 1);
        String second = acked(1, 1, 0, 0);
        String other = acked(2, 0, 0, 2); // another writer's sequences are its own
        stored(0, 0, second);
        stored(0, 1, first);
        stored(0, 2, other);
        CheckReport report = check();
        assertEquals(1, report.count(Kind.REORDERED, 0));
        assertTrue(report.examples(Kind.REORDERED).get(0).contains(first + " at offset 1 after " + second),
            report.toString());
        assertFalse(report.isClean());
    }

    @Test
    void theSameWritersOrderInDifferentPartitionsIsNotReordering() {
        String late = acked(1, 5, 0, 0);
        String early = acked(1, 1, 1, 0);
        stored(0, 0, late);
        stored(1, 0, early);
        check().assertClean();
    }

    @Test
    void anAcknowledgedRecordReadAtAnotherOffsetIsMoved() {
        String a = acked(1, 0, 0, 0);
        String b = acked(1, 1, 0, 1);
        stored(0, 0, a);
        stored(0, 2, b); // acknowledged at 1
        CheckReport report = check();
        assertEquals(Map.of(Kind.MOVED, 1), anomalies(report));
        assertTrue(report.examples(Kind.MOVED).get(0).contains("acknowledged at offset 1"), report.toString());
    }

    @Test
    void aRecordReadInAPartitionItWasNotSentToIsMovedEvenUnacknowledged() {
        String a = acked(1, 0, 0, 0);
        String b = sent(1, 1, 0);
        stored(0, 0, a);
        stored(1, 0, b);
        CheckReport report = check();
        assertEquals(Map.of(Kind.MOVED, 1), anomalies(report));
        assertEquals(1, report.count(Kind.MOVED, 0), "counted in the partition it was sent to");
    }

    @Test
    void aRecordNeverSentOrWithAnotherKeyIsCorrupted() {
        String a = acked(1, 0, 0, 0);
        log.add(new Read(0, 0, "k-wrong", a));
        log.add(new Read(0, 1, "k", "w9-99"));
        CheckReport report = check();
        assertEquals(2, report.count(Kind.CORRUPTED, 0));
        assertFalse(report.isClean());
    }

    @Test
    void unacknowledgedRecordsInTheLogAreAllowedAndCounted() {
        cleanRun(4);
        String failed = sent(2, 0, 0);
        history.onFailure(failed, new RuntimeException("delivery timeout"));
        stored(0, 2, failed);
        sent(2, 1, 1); // never answered, not in the log
        CheckReport report = check();
        report.assertClean();
        assertEquals(1, report.count(Kind.UNACKNOWLEDGED_PRESENT, 0));
    }

    @Test
    void anIncompleteReadIsNotClean() {
        cleanRun(4);
        CheckReport report = Checker.check(history, new ReadBack(ReadBack.of(log).records(), false, "timed out"));
        assertEquals(Map.of(), anomalies(report));
        AssertionError e = assertThrows(AssertionError.class, report::assertClean);
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    }

    @Test
    void answersNoBrokerShouldGiveMakeTheCheckFail() {
        cleanRun(2);
        history.onAck("w7-1", 0, 9); // never sent
        String v = history.sent("w1-0").value();
        history.onAck(v, 0, 5); // acknowledged again, elsewhere
        CheckReport report = check();
        assertEquals(Map.of(), anomalies(report));
        assertFalse(report.isClean());
        assertEquals(2, history.impossibleAnswers().size(), history.impossibleAnswers().toString());
    }

    @Test
    void examplesAreBoundedAndCountsAreNot() {
        for (int i = 0; i < 20; i++) {
            acked(1, i, 0, i);
        }
        CheckReport report = check();
        assertEquals(20, report.count(Kind.LOST));
        assertEquals(CheckReport.EXAMPLES, report.examples(Kind.LOST).size());
        assertTrue(report.examples(Kind.LOST).get(0).contains("w1-0 acknowledged at offset 0"), report.toString());
    }

    @Test
    void valuesAreUniqueAndASecondSendOfOneIsAWorkloadBug() {
        sent(1, 0, 0);
        assertThrows(IllegalStateException.class, () -> sent(1, 0, 1));
        assertEquals("w3-17", History.value(3, 17));
    }

    @Test
    void aCommittedOffsetThatGoesBackIsFoundAtAResumeAndAtTheEnd() {
        CommitHistory commits = new CommitHistory();
        commits.onResumed("c1", 0, 0); // nothing committed yet: any position will do
        commits.onCommitted("c1", Map.of(0, 10L, 1, 4L));
        commits.onCommitted("c1", Map.of(0, 12L));
        commits.onResumed("c2", 1, 4);
        commits.onResumed("c2", 0, 12);
        commits.onFinal(Map.of(0, 15L, 1, 4L));
        commits.assertClean();

        commits.onResumed("c3", 0, 11);
        commits.onFinal(Map.of(0, 15L, 1, 3L));
        assertEquals(2, commits.anomalies().size(), commits.anomalies().toString());
        AssertionError e = assertThrows(AssertionError.class, commits::assertClean);
        assertTrue(e.getMessage().contains("c3 resumed partition 0 at 11, behind the acknowledged commit 12"), e.getMessage());
    }

    @Test
    void aCommitHistoryWithNoAcknowledgedCommitIsRefused() {
        CommitHistory commits = new CommitHistory();
        commits.onFinal(Map.of());
        assertThrows(AssertionError.class, commits::assertClean);
    }
}
