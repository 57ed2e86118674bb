package io.varve.raft.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.config.ConfigDocs;
import io.varve.config.ConfigException;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The controller's properties: validated, documented verbatim in docs/configuration.md, and feeding topic defaults. */
class ControllerConfigDocTest {

    @Test
    void docCarriesTheControllerTableVerbatim() throws IOException {
        ConfigDocs.assertTablesInDoc(ControllerConfig.DEF);
    }

    @Test
    void outOfRangeValuesAreRefusedAtConstruction() {
        assertThrows(ConfigException.class, () -> ControllerConfig.from(Map.of(ControllerConfig.NUM_PARTITIONS, 0)));
        assertThrows(ConfigException.class, () -> ControllerConfig.from(Map.of("log.retention.ms", "soon")));
    }

    @Test
    void topicConfigsDefaultToTheBrokersLogProperties() {
        ControllerConfig config = ControllerConfig.from(Map.of("log.retention.ms", "123", ControllerConfig.NUM_PARTITIONS, "4"));
        assertEquals(4, config.defaultNumPartitions());
        assertEquals("123", config.topicConfigs().defaults().get("retention.ms"));
        assertEquals("1048588", config.topicConfigs().defaults().get("max.message.bytes"));
        assertEquals(config.metadataLogSegmentBytes(), config.metadataLogConfig().maxMessageBytes());
    }

    @Test
    void uncleanElectionIsOffByDefaultAndATopicOverrideWins() {
        ControllerConfig defaults = ControllerConfig.defaults();
        assertEquals(9000, defaults.brokerSessionTimeoutMs());
        assertEquals(false, defaults.uncleanLeaderElection(Map.of()));
        assertEquals("false", defaults.topicConfigs().defaults().get(ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE));
        ControllerConfig on = ControllerConfig.from(Map.of(ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE, "true"));
        assertEquals(true, on.uncleanLeaderElection(Map.of()));
        assertEquals("true", on.topicConfigs().defaults().get(ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE));
        assertEquals(false, on.uncleanLeaderElection(Map.of(ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE, "false")));
        assertTrue(on.topicConfigs().validate(Map.of(ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE, "maybe")) != null);
        assertThrows(ConfigException.class, () -> ControllerConfig.from(Map.of(ControllerConfig.BROKER_SESSION_TIMEOUT_MS, 0)));
    }
}
