package io.varve.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.config.ConfigDocs;
import io.varve.config.ConfigException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The consumer's properties: Kafka's defaults, validated at construction, documented verbatim in docs/configuration.md. */
class ConsumerConfigDocTest {

    private static final Map<String, Object> BASE = Map.of("bootstrap.servers", "127.0.0.1:9092");

    @Test
    void docCarriesTheConsumerTableVerbatim() throws IOException {
        ConfigDocs.assertTablesInDoc(ConsumerConfig.DEF);
    }

    @Test
    void defaultsAreKafkas() {
        ConsumerConfig c = ConsumerConfig.from(BASE);
        assertEquals(1, c.fetchMinBytes());
        assertEquals(52_428_800, c.fetchMaxBytes());
        assertEquals(500, c.fetchMaxWaitMs());
        assertEquals(1_048_576, c.maxPartitionFetchBytes());
        assertEquals(500, c.maxPollRecords());
        assertEquals(OffsetResetStrategy.LATEST, c.autoOffsetReset());
        assertTrue(c.checkCrcs());
        assertEquals(60_000, c.defaultApiTimeoutMs());
        assertEquals("127.0.0.1:9092", c.clientConfig().bootstrapServers().get(0));
    }

    @Test
    void readCommittedIsRefusedNamingTheProperty() {
        ConfigException e = assertThrows(ConfigException.class,
            () -> ConsumerConfig.from(with(ConsumerConfig.ISOLATION_LEVEL, "read_committed")));
        assertTrue(e.getMessage().contains("isolation.level"), e.getMessage());
        assertTrue(e.getMessage().contains("not supported"), e.getMessage());
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(ConfigException.class, () -> ConsumerConfig.from(with(ConsumerConfig.AUTO_OFFSET_RESET, "smallest")));
        assertThrows(ConfigException.class, () -> ConsumerConfig.from(with(ConsumerConfig.MAX_POLL_RECORDS, "0")));
        assertThrows(ConfigException.class, () -> ConsumerConfig.from(with(ConsumerConfig.ISOLATION_LEVEL, "dirty")));
        assertThrows(ConfigException.class, () -> ConsumerConfig.from(with(ConsumerConfig.FETCH_MAX_BYTES, "200000000")));
        assertThrows(ConfigException.class, () -> ConsumerConfig.from(Map.of()));
    }

    @Test
    void resetStrategiesParse() {
        assertEquals(OffsetResetStrategy.EARLIEST, ConsumerConfig.from(with(ConsumerConfig.AUTO_OFFSET_RESET, "earliest")).autoOffsetReset());
        assertEquals(OffsetResetStrategy.NONE, ConsumerConfig.from(with(ConsumerConfig.AUTO_OFFSET_RESET, "none")).autoOffsetReset());
        assertFalse(ConsumerConfig.from(with(ConsumerConfig.CHECK_CRCS, "false")).checkCrcs());
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> m = new HashMap<>(BASE);
        m.put(key, value);
        return m;
    }
}
