package io.varve.raft.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.varve.common.ManualClock;
import io.varve.raft.core.HardState;
import io.varve.raft.core.RaftEntry;
import io.varve.raft.metadata.MetadataRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Raft log over the metadata partition log: entries, terms, truncation, committed reads, restart. */
class MetadataRaftLogTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    @Test
    void entriesKeepIndexTermAndRecordsAcrossARestart() throws IOException {
        List<RaftEntry> written;
        try (MetadataRaftLog log = MetadataRaftLog.open(dir, LocalQuorumTest.CONFIG.metadataLogConfig(), clock)) {
            written = List.of(
                new RaftEntry(1, 1, new byte[0]),
                new RaftEntry(2, 1, log.encode(List.of(topic(1), topic(2)))),
                new RaftEntry(3, 2, new byte[0]),
                new RaftEntry(4, 2, log.encode(List.of(topic(3)))));
            log.append(written);
            log.sync();
            assertEquals(4, log.lastIndex());
        }
        try (MetadataRaftLog log = MetadataRaftLog.open(dir, LocalQuorumTest.CONFIG.metadataLogConfig(), clock)) {
            assertEquals(4, log.lastIndex());
            assertEquals(0, log.termAt(0));
            assertEquals(1, log.termAt(2));
            assertEquals(2, log.termAt(3));
            List<RaftEntry> read = log.entries(1, Integer.MAX_VALUE);
            assertEquals(4, read.size());
            assertEquals(0, read.get(0).data().length, "a no-op reads back empty");
            assertEquals(2, read.get(3).term());
            // Metadata offsets: the no-ops take one offset each, the records one each.
            assertEquals(1, log.endOffsetOf(1));
            assertEquals(3, log.endOffsetOf(2));
            assertEquals(5, log.endOffsetOf(4));
            assertEquals(3, log.recordsEndOffsetOf(3), "a trailing no-op is not a record");
            assertEquals(0, log.recordsEndOffsetOf(1));
            List<String> seen = new ArrayList<>();
            long next = log.readCommitted(0, log.endOffsetOf(4), (r, o) -> seen.add(((MetadataRecord.Topic) r).name() + "@" + o));
            assertEquals(List.of("t1@1", "t2@2", "t3@4"), seen);
            assertEquals(5, next);
            seen.clear();
            log.readCommitted(2, log.endOffsetOf(2), (r, o) -> seen.add(((MetadataRecord.Topic) r).name() + "@" + o));
            assertEquals(List.of("t2@2"), seen, "reads stop at the commit point and start at the asked offset");
        }
    }

    @Test
    void entriesHonourTheByteLimitButAlwaysReturnOne() throws IOException {
        try (MetadataRaftLog log = MetadataRaftLog.open(dir, LocalQuorumTest.CONFIG.metadataLogConfig(), clock)) {
            log.append(List.of(new RaftEntry(1, 1, log.encode(List.of(topic(1)))), new RaftEntry(2, 1, log.encode(List.of(topic(2))))));
            assertEquals(1, log.entries(1, 1).size());
            assertEquals(2, log.entries(1, Integer.MAX_VALUE).size());
            assertEquals(0, log.entries(3, 100).size());
        }
    }

    @Test
    void truncateAfterDropsTheDivergentTailAndAppendsContinueFromThere() throws IOException {
        try (MetadataRaftLog log = MetadataRaftLog.open(dir, LocalQuorumTest.CONFIG.metadataLogConfig(), clock)) {
            log.append(List.of(new RaftEntry(1, 1, new byte[0]), new RaftEntry(2, 1, log.encode(List.of(topic(1)))),
                new RaftEntry(3, 1, log.encode(List.of(topic(2))))));
            log.truncateAfter(1);
            assertEquals(1, log.lastIndex());
            assertEquals(0, log.recordsEndOffsetOf(1));
            byte[] data = log.encode(List.of(topic(9)));
            log.append(List.of(new RaftEntry(2, 3, data)));
            assertEquals(3, log.termAt(2));
            List<String> seen = new ArrayList<>();
            log.readCommitted(0, log.endOffsetOf(2), (r, o) -> seen.add(((MetadataRecord.Topic) r).name() + "@" + o));
            assertEquals(List.of("t9@1"), seen);
            assertThrows(IllegalStateException.class, () -> log.append(List.of(new RaftEntry(5, 3, data))));
        }
    }

    @Test
    void truncatingRecordsAfterAnEarlyNoOpKeepsTheRecordsEndRight() throws IOException {
        try (MetadataRaftLog log = MetadataRaftLog.open(dir, LocalQuorumTest.CONFIG.metadataLogConfig(), clock)) {
            log.append(List.of(new RaftEntry(1, 1, new byte[0]), new RaftEntry(2, 1, log.encode(List.of(topic(1)))),
                new RaftEntry(3, 1, log.encode(List.of(topic(2)))), new RaftEntry(4, 2, new byte[0])));
            assertEquals(3, log.recordsEndOffsetOf(4));
            log.truncateAfter(2);
            assertEquals(2, log.recordsEndOffsetOf(2));
            log.append(List.of(new RaftEntry(3, 3, new byte[0])));
            assertEquals(2, log.recordsEndOffsetOf(3), "the new no-op at index 3 is not a record");
        }
    }

    @Test
    void dataThatIsNotABatchIsRefused() throws IOException {
        try (MetadataRaftLog log = MetadataRaftLog.open(dir, LocalQuorumTest.CONFIG.metadataLogConfig(), clock)) {
            assertThrows(RuntimeException.class, () -> log.append(List.of(new RaftEntry(1, 1, new byte[] {1, 2, 3}))));
            assertEquals(0, log.lastIndex());
        }
    }

    @Test
    void quorumStateSurvivesRewritesAndRefusesCorruption() throws IOException {
        QuorumStateFile file = new QuorumStateFile(dir);
        assertEquals(HardState.INITIAL, file.read());
        file.write(new HardState(3, 2));
        file.write(new HardState(4, HardState.NO_VOTE));
        assertEquals(new HardState(4, HardState.NO_VOTE), new QuorumStateFile(dir).read());
        Path path = dir.resolve(QuorumStateFile.FILE_NAME);
        String text = Files.readString(path, StandardCharsets.UTF_8);
        Files.writeString(path, text.replace("term=4", "term=5"), StandardCharsets.UTF_8);
        assertThrows(IOException.class, file::read);
        Files.write(path, new byte[1000]);
        assertThrows(IOException.class, file::read);
    }

    private static MetadataRecord topic(int i) {
        return new MetadataRecord.Topic("t" + i, new UUID(7, i));
    }
}
