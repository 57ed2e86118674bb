package io.varve.broker.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.varve.config.ConfigDocs;
import io.varve.config.ConfigException;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The replication properties: Kafka's defaults, validated, documented verbatim in docs/configuration.md. */
class ReplicaConfigDocTest {

    @Test
    void docCarriesTheReplicationTableVerbatim() throws IOException {
        ConfigDocs.assertTablesInDoc(ReplicaConfig.DEF);
    }

    @Test
    void kafkasDefaultsAndATopicOverrideOfMinInsyncReplicas() {
        ReplicaConfig config = ReplicaConfig.from(Map.of());
        assertEquals(30_000L, config.lagTimeMaxMs());
        assertEquals(500, config.fetchWaitMaxMs());
        assertEquals(1, config.fetchMinBytes());
        assertEquals(1, config.minInsyncReplicas(Map.of()));
        assertEquals(2, config.minInsyncReplicas(Map.of(ReplicaConfig.MIN_INSYNC_REPLICAS, "2")));
        assertEquals(3, ReplicaConfig.from(Map.of(ReplicaConfig.MIN_INSYNC_REPLICAS, "3")).minInsyncReplicas(Map.of()));
    }

    @Test
    void outOfRangeValuesAreRefused() {
        assertThrows(ConfigException.class, () -> ReplicaConfig.from(Map.of(ReplicaConfig.MIN_INSYNC_REPLICAS, 0)));
        assertThrows(ConfigException.class, () -> ReplicaConfig.from(Map.of(ReplicaConfig.REPLICA_LAG_TIME_MAX_MS, "0")));
    }
}
