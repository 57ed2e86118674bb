package io.varve.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A leader's view of one follower: probe, replicate (pipelined), snapshot. */
class ProgressTest {

    @Test
    void aProbeSendsOneRequestAtATime() {
        Progress p = new Progress(11, 3);
        assertEquals(Progress.Mode.PROBE, p.mode());
        assertTrue(p.canSend());
        p.onSent(12);
        assertFalse(p.canSend());
        assertEquals(11, p.nextIndex(), "a probe does not move nextIndex optimistically");
    }

    @Test
    void aMatchTurnsAProbeIntoOptimisticPipelining() {
        Progress p = new Progress(11, 3);
        p.onSent(12);
        assertTrue(p.onMatch(12));
        assertEquals(Progress.Mode.REPLICATE, p.mode());
        assertEquals(12, p.matchIndex());
        assertEquals(13, p.nextIndex());
        p.onSent(14);
        p.onSent(16);
        assertEquals(17, p.nextIndex());
        assertTrue(p.canSend());
        p.onSent(18);
        assertFalse(p.canSend(), "three in flight");
        assertTrue(p.inflightFull());
        assertTrue(p.onMatch(16));
        assertEquals(1, p.inflightCount(), "acknowledged requests leave the window");
        assertEquals(19, p.nextIndex());
        assertFalse(p.onMatch(15), "an old acknowledgment does not move matchIndex back");
        assertEquals(16, p.matchIndex());
    }

    @Test
    void aRefusalBacksUpToTheHintButNeverBelowTheMatch() {
        Progress p = new Progress(11, 3);
        p.onMatch(5);
        p.onSent(20);
        p.onReject(8);
        assertEquals(Progress.Mode.PROBE, p.mode());
        assertEquals(9, p.nextIndex());
        assertEquals(0, p.inflightCount());
        p.onReject(2);
        assertEquals(6, p.nextIndex(), "match 5 is known");
        p.onReject(30);
        assertEquals(6, p.nextIndex(), "a hint never moves nextIndex forwards");
    }

    @Test
    void aSnapshotWaitsForItsAnswer() {
        Progress p = new Progress(3, 2);
        p.becomeSnapshot(77);
        assertEquals(Progress.Mode.SNAPSHOT, p.mode());
        assertEquals(77, p.snapshotSentNs());
        assertFalse(p.canSend());
        assertTrue(p.onMatch(50));
        assertEquals(Progress.Mode.REPLICATE, p.mode());
        assertEquals(51, p.nextIndex());
        p.becomeSnapshot(80);
        p.becomeProbe();
        assertEquals(Progress.Mode.PROBE, p.mode());
        assertEquals(51, p.nextIndex());
    }

    @Test
    void aPipelineWithRequestsInFlightAndNoProgressBetweenHeartbeatsIsStalled() {
        Progress p = new Progress(1, 2);
        p.onMatch(0);
        p.onSent(3);
        assertTrue(p.stalledSinceLastHeartbeat(), "in flight, match still 0");
        p.onMatch(3);
        assertFalse(p.stalledSinceLastHeartbeat(), "nothing in flight");
        p.onSent(5);
        assertTrue(p.stalledSinceLastHeartbeat());
        p.onMatch(4);
        assertFalse(p.stalledSinceLastHeartbeat(), "match moved since the last heartbeat");
    }
}
