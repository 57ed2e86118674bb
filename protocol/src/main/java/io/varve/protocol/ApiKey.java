package io.varve.protocol;

import io.varve.protocol.generated.ApiVersionsResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kafka APIs Varve serves on its client listener, each with the band of versions it fully
 * implements. {@code ApiVersions} advertises exactly this table, and {@code docs/protocol.md} is
 * checked against it by a test.
 *
 * <p>The bands start at the first flexible version wherever {@code kafka-clients} 3.0 and later
 * support it, so every Java client from 3.0 on negotiates into them and Varve needs only the
 * compact encodings for everything but {@code ApiVersions} itself (which must answer v0 too).
 */
public enum ApiKey {
    PRODUCE(0, "Produce", 9, 12, 9),
    FETCH(1, "Fetch", 12, 16, 12),
    LIST_OFFSETS(2, "ListOffsets", 6, 9, 6),
    METADATA(3, "Metadata", 9, 13, 9),
    OFFSET_COMMIT(8, "OffsetCommit", 8, 9, 8),
    OFFSET_FETCH(9, "OffsetFetch", 8, 9, 6),
    FIND_COORDINATOR(10, "FindCoordinator", 4, 6, 3),
    JOIN_GROUP(11, "JoinGroup", 6, 9, 6),
    HEARTBEAT(12, "Heartbeat", 4, 4, 4),
    LEAVE_GROUP(13, "LeaveGroup", 4, 5, 4),
    SYNC_GROUP(14, "SyncGroup", 4, 5, 4),
    DESCRIBE_GROUPS(15, "DescribeGroups", 5, 6, 5),
    LIST_GROUPS(16, "ListGroups", 3, 5, 3),
    API_VERSIONS(18, "ApiVersions", 0, 4, 3),
    CREATE_TOPICS(19, "CreateTopics", 5, 7, 5),
    DELETE_TOPICS(20, "DeleteTopics", 4, 6, 4),
    INIT_PRODUCER_ID(22, "InitProducerId", 2, 5, 2),
    DESCRIBE_CONFIGS(32, "DescribeConfigs", 4, 4, 4),
    CREATE_PARTITIONS(37, "CreatePartitions", 2, 3, 2),
    DELETE_GROUPS(42, "DeleteGroups", 2, 2, 2),
    DESCRIBE_CLUSTER(60, "DescribeCluster", 0, 2, 0);

    private static final ApiKey[] BY_ID = new ApiKey[128];

    static {
        for (ApiKey key : values()) {
            BY_ID[key.id] = key;
        }
    }

    public final short id;
    public final String displayName;
    public final short minVersion;
    public final short maxVersion;
    /** First version that uses the flexible (compact, tagged) encoding. */
    public final short firstFlexibleVersion;

    ApiKey(int id, String displayName, int minVersion, int maxVersion, int firstFlexibleVersion) {
        this.id = (short) id;
        this.displayName = displayName;
        this.minVersion = (short) minVersion;
        this.maxVersion = (short) maxVersion;
        this.firstFlexibleVersion = (short) firstFlexibleVersion;
    }

    /** The API with this id, or null when Varve does not serve it. */
    public static ApiKey forId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    public boolean isVersionSupported(short version) {
        return version >= minVersion && version <= maxVersion;
    }

    /** Whether this version uses compact encodings and tagged fields (also past the supported band). */
    public boolean isFlexible(short version) {
        return version >= firstFlexibleVersion;
    }

    /** Request header version: 2 for flexible request versions, else 1. */
    public short requestHeaderVersion(short version) {
        return (short) (isFlexible(version) ? 2 : 1);
    }

    /** Response header version: 1 for flexible versions, except ApiVersions which always answers with v0. */
    public short responseHeaderVersion(short version) {
        return (short) (this != API_VERSIONS && isFlexible(version) ? 1 : 0);
    }

    /**
     * The ApiVersions answer that advertises this table, with {@code error} (NONE, or
     * UNSUPPORTED_VERSION for the v0 fallback answer to a version above the band).
     */
    public static ApiVersionsResponse apiVersionsResponse(Errors error) {
        List<ApiVersionsResponse.ApiVersion> versions = new ArrayList<>(values().length);
        for (ApiKey key : values()) {
            versions.add(new ApiVersionsResponse.ApiVersion(key.id, key.minVersion, key.maxVersion));
        }
        return ApiVersionsResponse.builder().errorCode(error.code).apiKeys(versions).build();
    }
}
