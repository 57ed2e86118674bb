package io.varve.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageConfigTest {

    @Test
    void defaults() {
        StorageConfig c = StorageConfig.from(Map.of());

        assertEquals(List.of(Path.of("varve-data")), c.logDirs());
        assertEquals(2, c.recoveryThreadsPerDataDir());
        assertEquals(300_000L, c.retentionCheckIntervalMs());
        assertEquals(Long.MAX_VALUE, c.flushSchedulerIntervalMs());
        assertEquals(60_000L, c.flushOffsetCheckpointIntervalMs());
        assertEquals(LogConfig.defaults().toString(), c.logConfig().toString());
    }

    @Test
    void oneSetOfPropertiesConfiguresStorageAndTheDefaultLog() {
        StorageConfig c = StorageConfig.from(Map.of(
            "log.dirs", "/data/a, /data/b",
            "num.recovery.threads.per.data.dir", "8",
            "log.retention.check.interval.ms", "1000",
            "log.flush.scheduler.interval.ms", "2000",
            "log.flush.offset.checkpoint.interval.ms", "3000",
            "log.segment.bytes", "4096",
            "process.roles", "broker"));

        assertEquals(List.of(Path.of("/data/a"), Path.of("/data/b")), c.logDirs());
        assertEquals(8, c.recoveryThreadsPerDataDir());
        assertEquals(1000L, c.retentionCheckIntervalMs());
        assertEquals(2000L, c.flushSchedulerIntervalMs());
        assertEquals(3000L, c.flushOffsetCheckpointIntervalMs());
        assertEquals(4096, c.logConfig().segmentBytes());
    }

    @Test
    void atLeastOneLogDirIsNeeded() {
        assertInvalid(StorageConfig.LOG_DIRS, "");
        assertInvalid(StorageConfig.LOG_DIRS, " , ");
        assertInvalid(StorageConfig.LOG_DIRS, List.of());
    }

    @Test
    void outOfRangeValuesAreRefused() {
        assertInvalid(StorageConfig.RECOVERY_THREADS_PER_DATA_DIR, "0");
        assertInvalid(StorageConfig.RECOVERY_THREADS_PER_DATA_DIR, "65");
        assertInvalid(StorageConfig.RETENTION_CHECK_INTERVAL_MS, "0");
        assertInvalid(StorageConfig.FLUSH_SCHEDULER_INTERVAL_MS, "0");
        assertInvalid(StorageConfig.FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, "0");
        assertInvalid(LogConfig.SEGMENT_BYTES, "1");
    }

    private static void assertInvalid(String name, Object value) {
        ConfigException e = assertThrows(ConfigException.class, () -> StorageConfig.from(Map.of(name, value)));
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }

    @Test
    void emptyOrRepeatedLogDirsAreRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
            () -> StorageConfig.from(java.util.Map.of(StorageConfig.LOG_DIRS, "a,,b")));
        org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
            () -> StorageConfig.from(java.util.Map.of(StorageConfig.LOG_DIRS, "a,./a")));
    }
}
