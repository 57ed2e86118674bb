package io.varve.storage;

import static io.varve.storage.TestBatches.batch;
import static io.varve.storage.TestBatches.parse;
import static io.varve.storage.TestBatches.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.common.SmallTmpfs;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.storage.AppendResult.AppendError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, defect 6: a log on a file system that fills up. Segments are preallocated sparsely, so a
 * copy into the mapping could fault (SIGBUS) after the batch was published and acknowledged. Now the
 * space is allocated through the file's channel before the copy: a full disk refuses the append with
 * {@link AppendError#STORAGE_FULL}, nothing written; every batch the log accepted reads back whole
 * (CRC and all), also after a reopen; and once space is freed the same log takes writes again.
 * On a real 4 MiB tmpfs (mounting needs root, as in CI).
 */
class DiskFullTest {

    private static final TopicPartition TP = new TopicPartition("full", 0);

    @TempDir
    Path dir;
    private SmallTmpfs tmpfs;
    private final ManualClock clock = new ManualClock();
    private PartitionLog log;

    @BeforeEach
    void mount() throws Exception {
        tmpfs = SmallTmpfs.mount(dir, 4 << 20);
        Assumptions.assumeTrue(tmpfs != null, "needs root to mount a 4 MiB tmpfs for the log directory");
    }

    @AfterEach
    void unmount() throws Exception {
        try {
            if (log != null) {
                log.close();
            }
        } finally {
            if (tmpfs != null) {
                tmpfs.close();
            }
        }
    }

    private PartitionLog open() throws Exception {
        // Segments of 1 MiB preallocated on a 4 MiB disk: the disk fills before the segments do.
        return PartitionLog.open(tmpfs.path().resolve(TP.directoryName()), TP, LogConfig.from(Map.of(
            LogConfig.SEGMENT_BYTES, 1 << 20, LogConfig.INDEX_SIZE_MAX_BYTES, 64 * 1024)), clock);
    }

    @Test
    void aFullDiskRefusesTheAppendWritesNothingAndTakesWritesAgainOnceSpaceIsFreed() throws Exception {
        Path filler = tmpfs.fill(2 << 20); // other files take half the disk
        log = open();
        List<String> accepted = new ArrayList<>();
        AppendResult refused = null;
        for (int i = 0; i < 10_000 && refused == null; i++) {
            AppendResult r = tryAppend(batch(i, 2000, "v" + i));
            if (r.isOk()) {
                accepted.add("v" + i);
            } else {
                refused = r;
            }
        }
        assertTrue(accepted.size() > 100, "about a MiB accepted before the disk filled: " + accepted.size());
        assertEquals(AppendError.STORAGE_FULL, refused.error(), "refused as full, not failed: " + refused);
        assertEquals(accepted.size(), log.logEndOffset(), "nothing of the refused batch was written");
        assertEquals(AppendError.STORAGE_FULL, tryAppend(batch(1, 2000, "again")).error(), "still full");
        assertEquals(accepted, readAll(log, 0), "every accepted batch reads back");
        assertEveryBatchValid(log);

        log.close();
        log = open();
        assertEquals(accepted, readAll(log, 0), "and after a reopen");

        tmpfs.free(filler); // an operator frees space: the very same log takes writes again
        for (int i = 0; i < 10; i++) {
            AppendResult after = tryAppend(batch(1, 2000, "after-" + i));
            assertTrue(after.isOk(), "writes resume once space is freed: " + after);
            accepted.add("after-" + i);
        }
        assertEquals(accepted, readAll(log, 0));
        assertEveryBatchValid(log);
    }

    private AppendResult tryAppend(org.agrona.concurrent.UnsafeBuffer batch) {
        return log.append(batch, 0, batch.capacity(), 0);
    }

    private static void assertEveryBatchValid(PartitionLog log) {
        try (LogSlice slice = log.read(log.logStartOffset(), Integer.MAX_VALUE)) {
            for (RecordBatch b : parse(slice)) {
                b.ensureValid(); // CRC32C over the stored bytes
            }
        }
    }
}
