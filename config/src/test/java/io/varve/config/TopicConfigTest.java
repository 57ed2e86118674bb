package io.varve.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicConfigTest {

    @Test
    void topicOverridesWinOverBrokerSettings() {
        LogConfig config = TopicConfig.logConfig(Map.of(LogConfig.RETENTION_MS, "1000", LogConfig.SEGMENT_BYTES, "4096"),
            Map.of("retention.ms", "5000"));
        assertEquals(5000, config.retentionMs());
        assertEquals(4096, config.segmentBytes());
    }

    @Test
    void validAcceptsKnownNamesAndRefusesTheRest() {
        assertTrue(TopicConfig.validate(Map.of("retention.ms", "-1", "cleanup.policy", "delete")).isEmpty());
        assertTrue(TopicConfig.validate(Map.of("no.such.config", "1")).orElseThrow().contains("no.such.config"));
        assertTrue(TopicConfig.validate(Map.of("segment.bytes", "12")).isPresent(), "below the minimum segment");
        assertTrue(TopicConfig.validate(Map.of("retention.ms", "soon")).isPresent(), "not a number");
        assertTrue(TopicConfig.validate(Map.of("cleanup.policy", "compact")).isPresent(), "compaction not served yet");
    }

    @Test
    void describeListsEveryTopicLevelName() {
        Map<String, String> described = TopicConfig.describe(LogConfig.defaults());
        for (String name : TopicConfig.names()) {
            assertTrue(described.containsKey(name), name);
        }
        assertEquals("delete", described.get(TopicConfig.CLEANUP_POLICY));
    }
}
