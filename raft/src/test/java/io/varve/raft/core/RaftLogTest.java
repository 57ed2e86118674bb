package io.varve.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The core's log: durable entries from the view, unstable ones in memory until advance. */
class RaftLogTest {

    private static RaftEntry entry(long index, int term, int size) {
        return new RaftEntry(index, term, new byte[size]);
    }

    /** Durable 1..5 (term 1), unstable 6..8 (term 2); every entry costs 20 bytes. */
    private static RaftLog mixed() {
        MemoryRaftLog durable = new MemoryRaftLog();
        for (int i = 1; i <= 5; i++) {
            durable.append(entry(i, 1, 4));
        }
        RaftLog log = new RaftLog(durable);
        for (int i = 6; i <= 8; i++) {
            log.append(entry(i, 2, 4));
        }
        return log;
    }

    private static List<Long> indexes(List<RaftEntry> entries) {
        return entries.stream().map(RaftEntry::index).toList();
    }

    @Test
    void readsAcrossTheDurableAndUnstableParts() {
        RaftLog log = mixed();
        assertEquals(1, log.firstIndex());
        assertEquals(8, log.lastIndex());
        assertEquals(5, log.durableLastIndex());
        assertEquals(2, log.lastTerm());
        assertEquals(1, log.termAt(5));
        assertEquals(2, log.termAt(6));
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L), indexes(log.entries(3, 1000)));
        assertEquals(List.of(7L, 8L), indexes(log.entries(7, 1000)));
    }

    @Test
    void maxBytesLimitsBothParts() {
        RaftLog log = mixed();
        assertEquals(List.of(2L, 3L), indexes(log.entries(2, 40)), "20 + 20 fits, a third does not");
        assertEquals(List.of(4L, 5L, 6L), indexes(log.entries(4, 60)), "crosses into the unstable part");
        assertEquals(List.of(5L, 6L), indexes(log.entries(5, 40)), "20 durable + 20 unstable fit in 40");
        assertEquals(List.of(5L), indexes(log.entries(5, 39)), "but not in 39");
        assertEquals(List.of(6L), indexes(log.entries(6, 1)), "at least one entry");
        assertEquals(List.of(3L), indexes(log.entries(3, 1)));
    }

    @Test
    void termsOutsideTheLogAreRefused() {
        RaftLog log = mixed();
        assertThrows(IllegalArgumentException.class, () -> log.termAt(9));
        assertFalse(log.hasTermAt(9));
        assertTrue(log.hasTermAt(0));
        assertEquals(0, log.termAt(0));
        assertTrue(log.matchTerm(6, 2));
        assertFalse(log.matchTerm(6, 1));
        assertThrows(IllegalStateException.class, () -> log.append(entry(10, 2, 0)));
    }

    @Test
    void entriesAreHandedOutOnceAndBecomeDurableOnAdvance() {
        RaftLog log = mixed();
        assertTrue(log.hasWorkToHandOut());
        assertEquals(List.of(6L, 7L, 8L), indexes(log.entriesToPersist()));
        log.handedOut();
        assertFalse(log.hasWorkToHandOut());
        assertTrue(log.entriesToPersist().isEmpty());
        log.stableTo(8, 1);
        assertEquals(5, log.durableLastIndex(), "a term mismatch is a stale acknowledgment");
        log.stableTo(7, 2);
        assertEquals(7, log.durableLastIndex());
        assertEquals(8, log.lastIndex());
    }

    @Test
    void truncatingDurableEntriesAsksTheDriverToTruncate() {
        RaftLog log = mixed();
        log.handedOut();
        log.truncateFrom(4);
        assertEquals(3, log.pendingTruncateAfter());
        assertEquals(3, log.lastIndex());
        log.append(entry(4, 3, 0));
        assertEquals(List.of(4L), indexes(log.entriesToPersist()));
        assertEquals(1, log.termAt(3), "below the cut the durable view still answers");
        assertEquals(3, log.termAt(4));
        log.truncateFrom(9);
        assertEquals(4, log.lastIndex(), "nothing past the end to cut");
    }

    @Test
    void truncatingEntriesNotYetHandedOutStaysInMemory() {
        RaftLog log = mixed();
        log.truncateFrom(7);
        assertEquals(-1, log.pendingTruncateAfter());
        assertEquals(List.of(6L), indexes(log.entriesToPersist()));
        log.handedOut();
        log.truncateFrom(6);
        assertEquals(5, log.pendingTruncateAfter(), "6 was handed out: the driver must cut it");
        log.handedOut();
        assertEquals(-1, log.pendingTruncateAfter());
    }

    @Test
    void aReceivedSnapshotReplacesTheLogUntilTheDriverInstallsIt() {
        RaftLog log = mixed();
        SnapshotMeta meta = new SnapshotMeta(20, 4);
        log.installSnapshot(meta, new byte[] {1});
        assertEquals(meta, log.snapshot());
        assertEquals(21, log.firstIndex());
        assertEquals(20, log.lastIndex());
        assertEquals(4, log.termAt(20));
        assertThrows(IllegalArgumentException.class, () -> log.termAt(19));
        assertThrows(IllegalArgumentException.class, () -> log.entries(19, 100));
        assertEquals(meta, log.pendingSnapshot());
        assertTrue(log.hasWorkToHandOut());
        log.handedOut();
        assertNull(log.pendingSnapshot());
        assertEquals(meta, log.snapshot(), "still answering for the snapshot until it is installed");
    }
}
