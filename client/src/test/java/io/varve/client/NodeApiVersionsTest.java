package io.varve.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.ApiKey;
import io.varve.protocol.generated.ApiVersionsResponse.ApiVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The version rule: use min(our max, broker max) when it is at least max(our min, broker min). */
class NodeApiVersionsTest {

    private static ApiVersion band(ApiKey key, int min, int max) {
        return new ApiVersion(key.id, (short) min, (short) max);
    }

    @Test
    void aNarrowerBrokerBandCapsTheVersion() {
        NodeApiVersions v = NodeApiVersions.negotiate(List.of(band(ApiKey.FETCH, 13, 14)));
        assertEquals(14, v.usableVersion(ApiKey.FETCH));
    }

    @Test
    void aWiderBrokerBandYieldsOurHighestVersion() {
        NodeApiVersions v = NodeApiVersions.negotiate(List.of(band(ApiKey.METADATA, 0, 20)));
        assertEquals(ClientApiVersions.maxVersion(ApiKey.METADATA), v.usableVersion(ApiKey.METADATA));
    }

    @Test
    void overlapAtOneVersionIsEnough() {
        NodeApiVersions v = NodeApiVersions.negotiate(List.of(band(ApiKey.PRODUCE, 3, 9), band(ApiKey.FETCH, 16, 30)));
        assertEquals(9, v.usableVersion(ApiKey.PRODUCE));
        assertEquals(16, v.usableVersion(ApiKey.FETCH));
    }

    @Test
    void bandsThatDoNotOverlapGiveNoVersionAndSayWhy() {
        NodeApiVersions v = NodeApiVersions.negotiate(List.of(band(ApiKey.PRODUCE, 0, 2), band(ApiKey.FETCH, 17, 18)));

        assertFalse(v.isSupported(ApiKey.PRODUCE));
        assertEquals(-1, v.usableVersion(ApiKey.PRODUCE));
        assertFalse(v.isSupported(ApiKey.FETCH));
        assertEquals("no common version of Produce: broker supports [0, 2], this client [3, 12]",
            v.describeMismatch(ApiKey.PRODUCE));
    }

    @Test
    void anApiTheBrokerDoesNotListIsUnsupported() {
        NodeApiVersions v = NodeApiVersions.negotiate(List.of(band(ApiKey.FETCH, 12, 16), new ApiVersion((short) 99, (short) 0, (short) 5)));

        assertTrue(v.isSupported(ApiKey.FETCH));
        assertFalse(v.isSupported(ApiKey.CREATE_TOPICS));
        assertTrue(v.describeMismatch(ApiKey.CREATE_TOPICS).contains("does not support CreateTopics"));
    }
}
