package io.varve.raft.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.config.LogConfig;
import io.varve.raft.controller.Controller;
import io.varve.raft.core.RaftEntry;
import io.varve.raft.core.SnapshotMeta;
import io.varve.raft.metadata.CorruptMetadataException;
import io.varve.raft.metadata.MetadataDelta;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata snapshots (Low-Water Mark, Raft §7 "log compaction"): a snapshot at a committed index
 * replaces the log prefix below it, survives a restart, and a follower's log can be replaced by the
 * leader's snapshot; the snapshot files are CRC'd and only the newest two are kept.
 */
class MetadataSnapshotFilesTest {

    /** Small segments, so that moving the log start deletes whole segment files. */
    private static final LogConfig SMALL_SEGMENTS = LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, String.valueOf(LogConfig.MIN_SEGMENT_BYTES)));

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    @Test
    void aSnapshotDropsTheLogBelowItAndARestartStartsFromIt() throws IOException {
        MetadataImage atTwenty;
        long endOfTwenty;
        int segmentsBefore;
        try (MetadataRaftLog log = MetadataRaftLog.open(dir, SMALL_SEGMENTS, clock)) {
            appendTopics(log, 1, 30, 2);
            segmentsBefore = segmentFiles();
            endOfTwenty = log.endOffsetOf(20);
            atTwenty = replay(log, MetadataImage.empty("c"), endOfTwenty);
            assertEquals(20, atTwenty.topicsByName().size());
            log.takeSnapshot(new SnapshotMeta(20, 2), atTwenty);

            assertEquals(new SnapshotMeta(20, 2), log.snapshot());
            assertEquals(21, log.firstIndex());
            assertEquals(30, log.lastIndex());
            assertEquals(2, log.termAt(20), "the snapshot's own index answers its term");
            assertEquals(endOfTwenty, log.logStartOffset(), "the log start moved to the snapshot's end (Low-Water Mark)");
            assertEquals(endOfTwenty, log.endOffsetOf(20));
            assertTrue(segmentFiles() < segmentsBefore, segmentsBefore + " segments before, " + segmentFiles() + " after");
            assertThrows(IllegalArgumentException.class, () -> log.entries(20, 100));
            assertEquals(21, log.entries(21, Integer.MAX_VALUE).get(0).index());
            assertThrows(LogCompactedException.class, () -> log.readCommitted(0, log.endOffsetOf(30), (r, o) -> { }));
            assertEquals(atTwenty, log.snapshotImageBelow(0));
            assertNull(log.snapshotImageBelow(endOfTwenty), "records from the log start on are still in the log");
            assertEquals(atTwenty, MetadataSnapshotFiles.payloadImage(log.snapshotData()));
            assertThrows(IllegalArgumentException.class, () -> log.truncateAfter(19), "never below the snapshot");
        }
        assertTrue(Files.exists(dir.resolve("00000000000000000020-0000000002.checkpoint")));
        try (MetadataRaftLog log = MetadataRaftLog.open(dir, SMALL_SEGMENTS, clock)) {
            assertEquals(new SnapshotMeta(20, 2), log.snapshot());
            assertEquals(21, log.firstIndex());
            assertEquals(30, log.lastIndex());
            assertEquals(endOfTwenty, log.logStartOffset());
            assertEquals(atTwenty, log.snapshotImage());
            MetadataImage all = Controller.replay(new LogQuorum(log), MetadataImage.empty("c"));
            assertEquals(30, all.topicsByName().size(), "a restart replays the log after the snapshot onto its image");
            assertEquals(log.endOffsetOf(30) - 1, all.lastAppliedOffset());
            appendTopics(log, 31, 31, 3);
            assertEquals(31, log.lastIndex());
        }
    }

    @Test
    void installingTheLeadersSnapshotReplacesTheWholeLog() throws IOException {
        MetadataImage leaderImage;
        try (MetadataRaftLog leader = MetadataRaftLog.open(dir.resolve("leader"), SMALL_SEGMENTS, clock)) {
            appendTopics(leader, 1, 12, 4);
            leaderImage = replay(leader, MetadataImage.empty("c"), leader.endOffsetOf(12));
            leader.takeSnapshot(new SnapshotMeta(12, 4), leaderImage);
            try (MetadataRaftLog follower = MetadataRaftLog.open(dir.resolve("follower"), SMALL_SEGMENTS, clock)) {
                appendTopics(follower, 100, 103, 1); // a divergent, older history
                follower.installSnapshot(leader.snapshot(), leader.snapshotData());
                assertEquals(12, follower.lastIndex());
                assertEquals(13, follower.firstIndex());
                assertEquals(leader.logStartOffset(), follower.logStartOffset());
                assertEquals(leaderImage, follower.snapshotImage());
                follower.append(leader.entries(13, Integer.MAX_VALUE));
            }
        }
        try (MetadataRaftLog follower = MetadataRaftLog.open(dir.resolve("follower"), SMALL_SEGMENTS, clock)) {
            assertEquals(new SnapshotMeta(12, 4), follower.snapshot());
            assertEquals(12, follower.lastIndex());
            MetadataImage image = Controller.replay(new LogQuorum(follower), MetadataImage.empty("c"));
            assertEquals(leaderImage.topicsByName().keySet(), image.topicsByName().keySet());
        }
    }

    @Test
    void aReaderMaySkipOnlyTheNoOpsBetweenTheSnapshotsLastRecordAndTheLogStart() throws IOException {
        try (MetadataRaftLog log = MetadataRaftLog.open(dir, SMALL_SEGMENTS, clock)) {
            appendTopics(log, 1, 3, 1);
            log.append(List.of(new RaftEntry(4, 2, new byte[0]))); // the next leader's no-op
            MetadataImage image = replay(log, MetadataImage.empty("c"), log.endOffsetOf(4));
            assertEquals(2, image.lastAppliedOffset());
            log.takeSnapshot(new SnapshotMeta(4, 2), image);
            assertEquals(4, log.logStartOffset());
            assertEquals(3, log.recordsEndOffsetOf(4), "the snapshot's records end before its trailing no-op");
            assertEquals(4, log.readCommitted(3, 4, (r, o) -> { }), "offset 3 held only a no-op: nothing is lost");
            assertThrows(LogCompactedException.class, () -> log.readCommitted(2, 4, (r, o) -> { }),
                "offset 2 held a record: it is in the snapshot only");
        }
    }

    @Test
    void aBadPayloadIsRefusedBeforeTheLogIsTouched() throws IOException {
        try (MetadataRaftLog log = MetadataRaftLog.open(dir, SMALL_SEGMENTS, clock)) {
            appendTopics(log, 1, 3, 1);
            assertThrows(CorruptMetadataException.class, () -> log.installSnapshot(new SnapshotMeta(9, 1), new byte[] {0, 0, 0, 0, 0, 0, 0, 1, 9}));
            assertEquals(3, log.lastIndex());
            assertEquals(SnapshotMeta.EMPTY, log.snapshot());
        }
    }

    @Test
    void keepsTheNewestTwoAndRefusesACorruptOne() throws IOException {
        MetadataSnapshotFiles files = new MetadataSnapshotFiles(dir);
        assertNull(files.latest());
        MetadataImage image = MetadataImage.empty("c");
        for (int i = 1; i <= 3; i++) {
            files.write(new SnapshotMeta(i * 10, i), MetadataSnapshotFiles.payload(i * 100, image));
        }
        assertEquals(2, files.files().size());
        MetadataSnapshotFiles.Snapshot latest = files.latest();
        assertNotNull(latest);
        assertEquals(new SnapshotMeta(30, 3), latest.meta());
        assertEquals(300, latest.endOffset());
        assertEquals(image, latest.image());
        assertEquals(0, Files.list(dir).filter(p -> p.toString().endsWith(".tmp")).count());

        Path newest = files.files().get(1);
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 1] ^= 1;
        Files.write(newest, bytes);
        assertThrows(CorruptMetadataException.class, files::latest, "a flipped bit fails the CRC");
        Files.write(newest, new byte[] {1, 2, 3});
        assertThrows(CorruptMetadataException.class, files::latest, "a short file is not a snapshot");
        byte[] hugeLength = Files.readAllBytes(files.files().get(0));
        hugeLength[22] = 0x7f;
        Files.write(newest, hugeLength);
        assertThrows(CorruptMetadataException.class, files::latest, "a length past the file is refused before allocating");
    }

    private int segmentFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(LocalQuorum.METADATA_PARTITION.directoryName()))) {
            return (int) s.filter(p -> p.toString().endsWith(".log")).count();
        }
    }

    /** Entries {@code from..to}, each one batch holding one topic, all in {@code term}. */
    private static void appendTopics(MetadataRaftLog log, int from, int to, int term) {
        List<RaftEntry> entries = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            entries.add(new RaftEntry(log.lastIndex() + entries.size() + 1, term,
                log.encode(List.of(new MetadataRecord.Topic("t" + i, new UUID(7, i))))));
        }
        log.append(entries);
        log.sync();
    }

    private static MetadataImage replay(MetadataRaftLog log, MetadataImage base, long endOffset) {
        MetadataDelta delta = new MetadataDelta(base);
        log.readCommitted(base.lastAppliedOffset() + 1, endOffset, delta::replay);
        return delta.apply();
    }

    /** The whole log as committed, for {@link Controller#replay}. */
    private record LogQuorum(MetadataRaftLog log) implements MetadataQuorum {
        @Override
        public AppendOutcome append(List<MetadataRecord> records) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long read(long fromOffset, RecordVisitor visitor) {
            return log.readCommitted(fromOffset, log.endOffsetOf(log.lastIndex()), visitor);
        }

        @Override
        public MetadataImage snapshotImageBelow(long fromOffset) {
            return log.snapshotImageBelow(fromOffset);
        }

        @Override
        public long endOffset() {
            return log.endOffsetOf(log.lastIndex());
        }

        @Override
        public boolean isFailed() {
            return false;
        }

        @Override
        public void close() {
        }
    }
}
