package io.varve.producer;

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

/** The producer's properties: Kafka 4.x defaults, idempotence resolution, and docs/configuration.md verbatim. */
class ProducerConfigTest {

    private static final Map<String, Object> BASE = Map.of("bootstrap.servers", "127.0.0.1:9092");

    private static ProducerConfig with(Object... kv) {
        Map<String, Object> props = new HashMap<>(BASE);
        for (int i = 0; i < kv.length; i += 2) {
            props.put((String) kv[i], kv[i + 1]);
        }
        return ProducerConfig.from(props);
    }

    @Test
    void docCarriesTheProducerTableVerbatim() throws IOException {
        ConfigDocs.assertTablesInDoc(ProducerConfig.DEF);
    }

    @Test
    void defaultsAreKafkas() {
        ProducerConfig c = with();
        assertEquals(-1, c.acks());
        assertEquals(5L, c.lingerMs());
        assertEquals(16_384, c.batchSize());
        assertEquals(33_554_432L, c.bufferMemory());
        assertEquals(60_000L, c.maxBlockMs());
        assertEquals("none", c.compressionType());
        assertTrue(c.idempotence());
        assertEquals(Integer.MAX_VALUE, c.retries());
        assertEquals(120_000, c.deliveryTimeoutMs());
        assertEquals(1_048_576, c.maxRequestSize());
        assertFalse(c.partitionerIgnoreKeys());
        assertEquals(5, c.maxInFlightPerPartition());
        assertEquals(30_000, c.client().requestTimeoutMs());
    }

    @Test
    void idempotenceTurnsOffQuietlyWhenNotAskedForAndConflicting() {
        assertFalse(with("acks", "1").idempotence());
        assertFalse(with("acks", "0").idempotence());
        assertFalse(with("retries", 0).idempotence());
        assertFalse(with("max.in.flight.requests.per.connection", 6).idempotence());
        assertEquals(6, with("max.in.flight.requests.per.connection", 6).maxInFlightPerPartition());
    }

    @Test
    void explicitIdempotenceRefusesConflicts() {
        assertThrows(ConfigException.class, () -> with("enable.idempotence", "true", "acks", "1"));
        assertThrows(ConfigException.class, () -> with("enable.idempotence", true, "max.in.flight.requests.per.connection", 6));
        assertFalse(with("enable.idempotence", "false", "acks", "1").idempotence());
        assertEquals(1, with("enable.idempotence", "false", "acks", "1").acks());
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(ConfigException.class, () -> with("acks", "2"));
        assertThrows(ConfigException.class, () -> with("compression.type", "brotli"));
        assertThrows(ConfigException.class, () -> with("linger.ms", -1));
        assertThrows(ConfigException.class, () -> with("delivery.timeout.ms", 1_000), "below linger.ms + request.timeout.ms");
        assertThrows(ConfigException.class, () -> ProducerConfig.from(Map.of()), "bootstrap.servers is required");
    }
}
