package io.varve.client.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.varve.config.ConfigDocs;
import io.varve.config.ConfigException;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin's properties: Kafka's names and defaults, validated, and documented verbatim in docs/configuration.md. */
class AdminConfigTest {

    @Test
    void defaultsToKafkasApiTimeoutAndReadsTheSharedKeysFromTheSameMap() {
        AdminConfig c = AdminConfig.from(Map.of("bootstrap.servers", "127.0.0.1:9092", "request.timeout.ms", "1234"));
        assertEquals(60_000, c.defaultApiTimeoutMs());
        assertEquals(1234, c.client().requestTimeoutMs());
        assertEquals(5, AdminConfig.from(Map.of("bootstrap.servers", "h:1", "default.api.timeout.ms", 5)).defaultApiTimeoutMs());
    }

    @Test
    void refusesAnApiTimeoutBelowOneMillisecond() {
        assertThrows(ConfigException.class,
            () -> AdminConfig.from(Map.of("bootstrap.servers", "h:1", "default.api.timeout.ms", "0")));
    }

    @Test
    void docCarriesTheAdminTableVerbatim() throws IOException {
        ConfigDocs.assertTablesInDoc(AdminConfig.DEF);
    }
}
