package io.varve.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogConfigTest {

    @Test
    void defaultsAreKafkasBrokerDefaults() {
        LogConfig c = LogConfig.defaults();

        assertEquals(1 << 30, c.segmentBytes());
        assertEquals(7 * 24 * 3600 * 1000L, c.segmentMs());
        assertEquals(4096, c.indexIntervalBytes());
        assertEquals(10 * 1024 * 1024, c.maxIndexSizeBytes());
        assertEquals(7 * 24 * 3600 * 1000L, c.retentionMs());
        assertEquals(-1L, c.retentionBytes());
        assertEquals(Long.MAX_VALUE, c.flushIntervalMessages());
        assertEquals(Long.MAX_VALUE, c.flushIntervalMs());
        assertEquals(1024 * 1024 + 12, c.maxMessageBytes());
    }

    @Test
    void readsKafkaPropertyNames() {
        LogConfig c = LogConfig.from(Map.of(
            "log.segment.bytes", "1024",
            "log.roll.ms", "60000",
            "log.index.interval.bytes", "0",
            "log.index.size.max.bytes", "4096",
            "log.retention.ms", "-1",
            "log.retention.bytes", "1000000",
            "log.flush.interval.messages", "1",
            "log.flush.interval.ms", "0",
            "message.max.bytes", "2048"));

        assertEquals(1024, c.segmentBytes());
        assertEquals(60_000L, c.segmentMs());
        assertEquals(0, c.indexIntervalBytes());
        assertEquals(4096, c.maxIndexSizeBytes());
        assertEquals(-1L, c.retentionMs());
        assertEquals(1_000_000L, c.retentionBytes());
        assertEquals(1L, c.flushIntervalMessages());
        assertEquals(0L, c.flushIntervalMs());
        assertEquals(2048, c.maxMessageBytes());
    }

    @Test
    void cleanupPolicyAndCompactionSettings() {
        LogConfig defaults = LogConfig.defaults();
        assertTrue(defaults.delete() && !defaults.compact(), "delete only, as in Kafka");
        assertEquals(0.5, defaults.minCleanableDirtyRatio());
        assertEquals(86_400_000L, defaults.deleteRetentionMs());
        assertEquals(0L, defaults.minCompactionLagMs());

        LogConfig both = LogConfig.from(Map.of("log.cleanup.policy", "compact, delete",
            "log.cleaner.min.cleanable.ratio", "0.25", "log.cleaner.delete.retention.ms", "1000"));
        assertTrue(both.compact() && both.delete());
        assertEquals(0.25, both.minCleanableDirtyRatio());
        assertEquals(1000L, both.deleteRetentionMs());
        assertTrue(LogConfig.from(Map.of("log.cleanup.policy", "compact")).compact());

        assertThrows(ConfigException.class, () -> LogConfig.from(Map.of("log.cleanup.policy", "shred")));
        assertThrows(ConfigException.class, () -> LogConfig.from(Map.of("log.cleanup.policy", "")));
        assertThrows(ConfigException.class, () -> LogConfig.from(Map.of("log.cleaner.min.cleanable.ratio", "1.01")));
        assertThrows(ConfigException.class, () -> LogConfig.from(Map.of("log.cleaner.min.cleanable.ratio", "NaN")));
    }

    @Test
    void smallestSegmentIsAccepted() {
        assertEquals(LogConfig.MIN_SEGMENT_BYTES,
            LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, LogConfig.MIN_SEGMENT_BYTES)).segmentBytes());
    }

    @Test
    void outOfRangeValuesAreRefused() {
        assertInvalid(LogConfig.SEGMENT_BYTES, LogConfig.MIN_SEGMENT_BYTES - 1);
        assertInvalid(LogConfig.SEGMENT_MS, "0");
        assertInvalid(LogConfig.INDEX_INTERVAL_BYTES, "-1");
        assertInvalid(LogConfig.INDEX_SIZE_MAX_BYTES, "23");
        assertInvalid(LogConfig.RETENTION_MS, "-2");
        assertInvalid(LogConfig.RETENTION_BYTES, "-2");
        assertInvalid(LogConfig.FLUSH_INTERVAL_MESSAGES, "0");
        assertInvalid(LogConfig.FLUSH_INTERVAL_MS, "-1");
        assertInvalid(LogConfig.MESSAGE_MAX_BYTES, "-1");
        assertInvalid(LogConfig.SEGMENT_BYTES, "1GB");
    }

    @Test
    void toStringShowsEveryValue() {
        String s = LogConfig.defaults().toString();
        assertTrue(s.contains("segmentBytes=1073741824") && s.contains("maxMessageBytes=1048588"), s);
    }

    private static void assertInvalid(String name, Object value) {
        ConfigException e = assertThrows(ConfigException.class, () -> LogConfig.from(Map.of(name, value)));
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }
}
