package io.varve.raft.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.raft.controller.ControllerConfig;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.storage.PartitionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-voter metadata log: commit means fsynced, reads give back exactly what was committed. */
class LocalQuorumTest {

    static final ControllerConfig CONFIG = ControllerConfig.from(Map.of(ControllerConfig.METADATA_LOG_SEGMENT_BYTES, 4096));

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    private static List<MetadataRecord> records(int n) {
        List<MetadataRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(new MetadataRecord.Topic("t" + i, new UUID(1, i)));
        }
        return records;
    }

    private static List<MetadataRecord> readAll(MetadataQuorum quorum, long from) {
        List<MetadataRecord> read = new ArrayList<>();
        quorum.read(from, (record, offset) -> read.add(record));
        return read;
    }

    @Test
    void appendsGetConsecutiveOffsetsInTheMetadataPartitionAndReadBackAcrossSegments() throws IOException {
        List<MetadataRecord> all = new ArrayList<>();
        try (LocalQuorum quorum = LocalQuorum.open(dir, CONFIG.metadataLogConfig(), clock)) {
            for (int i = 0; i < 40; i++) {
                List<MetadataRecord> batch = records(3);
                AppendOutcome outcome = quorum.append(batch);
                assertEquals(AppendOutcome.committed(3L * i, 3L * i + 2), outcome);
                all.addAll(batch);
            }
            assertEquals(120, quorum.endOffset());
            assertEquals(all, readAll(quorum, 0));
            assertEquals(all.subList(61, 120), readAll(quorum, 61), "a read may start inside a batch");
        }
        assertTrue(Files.isDirectory(dir.resolve("__cluster_metadata-0")));
        try (LocalQuorum reopened = LocalQuorum.open(dir, CONFIG.metadataLogConfig(), clock)) {
            assertEquals(all, readAll(reopened, 0));
        }
    }

    @Test
    void everyAppendIsFsyncedBeforeItIsCommitted() throws IOException {
        AtomicInteger fsyncs = new AtomicInteger();
        PartitionLog log = PartitionLog.open(dir, LocalQuorum.METADATA_PARTITION, CONFIG.metadataLogConfig(), clock);
        try (LocalQuorum quorum = new LocalQuorum(log, clock, l -> {
            l.flush();
            fsyncs.incrementAndGet();
        })) {
            quorum.append(records(1));
            quorum.append(records(2));
            assertEquals(2, fsyncs.get());
            assertEquals(log.logEndOffset(), log.recoveryPoint(), "everything appended is below the recovery point");
        }
    }

    @Test
    void aFailedFsyncFailsTheQuorumForGood() throws IOException {
        PartitionLog log = PartitionLog.open(dir, LocalQuorum.METADATA_PARTITION, CONFIG.metadataLogConfig(), clock);
        AtomicInteger calls = new AtomicInteger();
        try (LocalQuorum quorum = new LocalQuorum(log, clock, l -> {
            if (calls.incrementAndGet() == 2) {
                throw new UncheckedIOException(new IOException("EIO"));
            }
            l.flush();
        })) {
            assertTrue(quorum.append(records(1)).isCommitted());
            AppendOutcome failed = quorum.append(records(1));
            assertEquals(AppendOutcome.Status.FAILED, failed.status());
            assertTrue(failed.message().contains("EIO"));
            assertTrue(quorum.isFailed());
            assertEquals(AppendOutcome.Status.FAILED, quorum.append(records(1)).status(), "no retry that pretends");
            assertEquals(2, calls.get(), "nothing more reaches the log");
        }
    }

    @Test
    void aBatchLargerThanASegmentIsRefusedAndTheQuorumGoesOn() throws IOException {
        try (LocalQuorum quorum = LocalQuorum.open(dir, CONFIG.metadataLogConfig(), clock)) {
            assertEquals(AppendOutcome.Status.TOO_LARGE, quorum.append(records(500)).status());
            assertFalse(quorum.isFailed());
            assertEquals(0, quorum.endOffset());
            assertTrue(quorum.append(records(1)).isCommitted());
        }
    }
}
