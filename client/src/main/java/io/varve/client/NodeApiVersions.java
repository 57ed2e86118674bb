package io.varve.client;

import io.varve.protocol.ApiKey;
import io.varve.protocol.generated.ApiVersionsResponse.ApiVersion;
import java.util.Arrays;
import java.util.List;

/**
 * The versions a client uses with one broker, negotiated from the broker's ApiVersions answer: for
 * each API, the highest version in both bands, that is {@code min(our max, broker max)} provided it
 * is at least {@code max(our min, broker min)}, where "ours" is {@link ClientApiVersions}, what the
 * client code implements (not the broker's served table). An API the broker does not list, or whose bands do
 * not overlap, has no usable version, and requests for it fail without being sent.
 *
 * <p>Immutable and thread-safe.
 */
public final class NodeApiVersions {

    private static final short NONE = -1;

    private final short[] usable = new short[ApiKey.values().length];
    private final short[] brokerMin = new short[ApiKey.values().length];
    private final short[] brokerMax = new short[ApiKey.values().length];

    private NodeApiVersions(List<ApiVersion> brokerVersions) {
        Arrays.fill(usable, NONE);
        Arrays.fill(brokerMin, NONE);
        Arrays.fill(brokerMax, NONE);
        for (ApiVersion v : brokerVersions) {
            ApiKey key = ApiKey.forId(v.apiKey());
            if (key == null) {
                continue;
            }
            int i = key.ordinal();
            brokerMin[i] = v.minVersion();
            brokerMax[i] = v.maxVersion();
            short ourMin = ClientApiVersions.minVersion(key);
            short ourMax = ClientApiVersions.maxVersion(key);
            short lo = (short) Math.max(ourMin, v.minVersion());
            short hi = (short) Math.min(ourMax, v.maxVersion());
            usable[i] = ourMax >= 0 && hi >= lo ? hi : NONE;
        }
    }

    /** Negotiates against the API versions a broker advertised (entries for APIs we do not know are ignored). */
    public static NodeApiVersions negotiate(List<ApiVersion> brokerVersions) {
        return new NodeApiVersions(brokerVersions);
    }

    /** The version to send {@code key} at, or -1 when broker and client share none. */
    public short usableVersion(ApiKey key) {
        return usable[key.ordinal()];
    }

    public boolean isSupported(ApiKey key) {
        return usable[key.ordinal()] != NONE;
    }

    /** Why {@code key} cannot be used, for error messages: both bands, or that the broker lacks the API. */
    public String describeMismatch(ApiKey key) {
        int i = key.ordinal();
        String ours = "[" + ClientApiVersions.minVersion(key) + ", " + ClientApiVersions.maxVersion(key) + "]";
        if (brokerMax[i] == NONE) {
            return "the broker does not support " + key.displayName + " (this client supports versions " + ours + ")";
        }
        return "no common version of " + key.displayName + ": broker supports [" + brokerMin[i] + ", " + brokerMax[i]
            + "], this client " + ours;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("NodeApiVersions{");
        for (ApiKey key : ApiKey.values()) {
            out.append(key.displayName).append('=').append(usable[key.ordinal()]).append(' ');
        }
        return out.append('}').toString();
    }
}
