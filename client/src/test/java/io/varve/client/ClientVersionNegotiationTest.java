package io.varve.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.varve.protocol.ApiKey;
import io.varve.protocol.generated.ApiMessageType;
import io.varve.protocol.generated.ApiVersionsResponse.ApiVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "Varve's own clients negotiate down to whatever the broker offers": the version picked per API is
 * the highest in both the broker's band and {@link ClientApiVersions}, whatever Varve's own broker
 * advertises.
 */
class ClientVersionNegotiationTest {

    private static ApiVersion band(ApiKey key, int min, int max) {
        return new ApiVersion(key.id, (short) min, (short) max);
    }

    @Test
    void theClientTableLiesInsideTheGeneratedCodecRange() {
        int checked = 0;
        for (ApiKey key : ApiKey.values()) {
            ApiMessageType type = ApiMessageType.forApiKey(key.id);
            short min = ClientApiVersions.minVersion(key);
            short max = ClientApiVersions.maxVersion(key);
            if (max < 0) {
                continue;
            }
            checked++;
            assertEquals(true, min >= type.lowestVersion && max <= type.highestVersion && min <= max,
                key.displayName + " [" + min + ", " + max + "]");
        }
        assertEquals(ApiKey.values().length, checked, "the client implements every API of the served table");
    }

    @Test
    void aBrokerOfferingOnlyOldBandsIsSpokenToAtItsHighestVersions() {
        // Bands of a pre-flexible broker: every one below the versions Varve's broker advertises today.
        NodeApiVersions v = NodeApiVersions.negotiate(List.of(
            band(ApiKey.METADATA, 0, 8),
            band(ApiKey.DELETE_TOPICS, 0, 3),
            band(ApiKey.CREATE_PARTITIONS, 0, 1),
            band(ApiKey.DESCRIBE_GROUPS, 0, 4),
            band(ApiKey.LIST_GROUPS, 0, 2),
            band(ApiKey.DELETE_GROUPS, 0, 1),
            band(ApiKey.DESCRIBE_CONFIGS, 0, 3)));

        assertEquals(8, v.usableVersion(ApiKey.METADATA));
        assertEquals(3, v.usableVersion(ApiKey.DELETE_TOPICS));
        assertEquals(1, v.usableVersion(ApiKey.CREATE_PARTITIONS));
        assertEquals(4, v.usableVersion(ApiKey.DESCRIBE_GROUPS));
        assertEquals(2, v.usableVersion(ApiKey.LIST_GROUPS));
        assertEquals(1, v.usableVersion(ApiKey.DELETE_GROUPS));
        assertEquals(3, v.usableVersion(ApiKey.DESCRIBE_CONFIGS));
    }

    @Test
    void aBrokerOfferingOnlyNewBandsIsSpokenToAtOurHighestVersions() {
        NodeApiVersions v = NodeApiVersions.negotiate(List.of(
            band(ApiKey.METADATA, 13, 20),
            band(ApiKey.DELETE_TOPICS, 6, 9),
            band(ApiKey.FETCH, 16, 18)));

        assertEquals(13, v.usableVersion(ApiKey.METADATA));
        assertEquals(6, v.usableVersion(ApiKey.DELETE_TOPICS));
        assertEquals(16, v.usableVersion(ApiKey.FETCH));
    }

    @Test
    void aDisjointBandGivesNoVersionAndAClearReason() {
        NodeApiVersions v = NodeApiVersions.negotiate(List.of(band(ApiKey.METADATA, 0, 3), band(ApiKey.FETCH, 17, 18)));

        assertFalse(v.isSupported(ApiKey.METADATA));
        assertFalse(v.isSupported(ApiKey.FETCH));
        assertEquals("no common version of Metadata: broker supports [0, 3], this client [4, 13]",
            v.describeMismatch(ApiKey.METADATA));
        assertEquals("no common version of Fetch: broker supports [17, 18], this client [4, 16]",
            v.describeMismatch(ApiKey.FETCH));
    }

    @Test
    void whatVarvesBrokerAdvertisesDoesNotWidenWhatTheClientSends() {
        // An imaginary broker advertising every generated version: the client stays within its own table.
        List<ApiVersion> everything = java.util.Arrays.stream(ApiKey.values())
            .map(k -> {
                ApiMessageType t = ApiMessageType.forApiKey(k.id);
                return new ApiVersion(k.id, t.lowestVersion, t.highestVersion);
            }).toList();
        NodeApiVersions v = NodeApiVersions.negotiate(everything);
        for (ApiKey key : ApiKey.values()) {
            assertEquals(ClientApiVersions.maxVersion(key), v.usableVersion(key), key.displayName);
        }
    }
}
