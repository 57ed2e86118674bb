package io.varve.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.config.ConfigException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The consumer's group properties: Kafka 4's defaults, and bad values refused naming the property. */
class GroupConfigTest {

    private static ConsumerConfig config(Object... kv) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "127.0.0.1:9092");
        for (int i = 0; i < kv.length; i += 2) {
            props.put((String) kv[i], kv[i + 1]);
        }
        return ConsumerConfig.from(props);
    }

    @Test
    void defaultsAreKafkas() {
        ConsumerConfig c = config();
        assertEquals("", c.groupId());
        assertEquals("", c.groupInstanceId());
        assertEquals(45_000, c.sessionTimeoutMs());
        assertEquals(3_000, c.heartbeatIntervalMs());
        assertEquals(300_000, c.maxPollIntervalMs());
        assertEquals(List.of("range", "cooperative-sticky"), c.assignmentStrategies());
        assertTrue(c.enableAutoCommit());
        assertEquals(5_000, c.autoCommitIntervalMs());
    }

    @Test
    void badValuesAreRefused() {
        ConfigException unknown = assertThrows(ConfigException.class, () -> config("partition.assignment.strategy", "range, sticky"));
        assertTrue(unknown.getMessage().contains("partition.assignment.strategy"), unknown.getMessage());
        assertThrows(ConfigException.class, () -> config("partition.assignment.strategy", "range,range"));
        assertThrows(ConfigException.class, () -> config("partition.assignment.strategy", ""));
        ConfigException beat = assertThrows(ConfigException.class, () -> config("session.timeout.ms", "6000", "heartbeat.interval.ms", "6000"));
        assertTrue(beat.getMessage().contains("heartbeat.interval.ms"), beat.getMessage());
        assertEquals(List.of("roundrobin"), config("partition.assignment.strategy", " roundrobin ").assignmentStrategies());
    }
}
