package io.varve.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ControllerQuorumConfigTest {

    @Test
    void noVotersIsTheEmbeddedOneVoterQuorumWithKafkasDefaults() {
        ControllerQuorumConfig c = ControllerQuorumConfig.from(Map.of());
        assertTrue(c.isLocal());
        assertEquals(1000, c.electionTimeoutMs());
        assertEquals(2000, c.brokerHeartbeatIntervalMs());
    }

    @Test
    void votersParseInKafkasForm() {
        ControllerQuorumConfig c = ControllerQuorumConfig.from(
            Map.of(ControllerQuorumConfig.VOTERS, "1@127.0.0.1:9093, 2@localhost:9193,3@[::1]:9293"));
        assertEquals(3, c.voters().size());
        assertEquals(new ControllerQuorumConfig.Voter(2, "localhost", 9193), c.voters().get(2));
        assertEquals(new ControllerQuorumConfig.Voter(3, "[::1]", 9293), c.voters().get(3));
    }

    @Test
    void malformedOrDuplicateVotersAreRefused() {
        for (String bad : new String[] {"1@host", "x@h:1", "@h:1", "1@:9093", "1@h:0", "1@h:70000", "1@h:", "1@a:1,1@b:2"}) {
            assertThrows(ConfigException.class,
                () -> ControllerQuorumConfig.from(Map.of(ControllerQuorumConfig.VOTERS, bad)), bad);
        }
    }

    @Test
    void raftHeartbeatsMustBeShorterThanTheElectionTimeout() {
        assertThrows(ConfigException.class, () -> ControllerQuorumConfig.from(Map.of(
            ControllerQuorumConfig.HEARTBEAT_INTERVAL_MS, 1000, ControllerQuorumConfig.ELECTION_TIMEOUT_MS, 1000)));
    }
}
