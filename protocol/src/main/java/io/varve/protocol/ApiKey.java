package io.varve.protocol;

import io.varve.protocol.generated.ApiVersionsResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kafka APIs Varve serves on its client listener, each with the band of versions the broker serves
 * end to end (Kafka 4.x's bands, {@link #servedMinVersion}-{@link #servedMaxVersion}). {@code ApiVersions}
 * advertises exactly this table, and {@code docs/protocol.md} is checked against it by a test.
 *
 * <p>Varve's own clients negotiate within their own bands ({@code io.varve.client.ClientApiVersions}),
 * not this table: a client talks to Apache Kafka too.
 */
public enum ApiKey {
    PRODUCE(0, "Produce", 3, 13, 9),
    FETCH(1, "Fetch", 4, 18, 12),
    LIST_OFFSETS(2, "ListOffsets", 1, 11, 6),
    METADATA(3, "Metadata", 0, 13, 9),
    OFFSET_COMMIT(8, "OffsetCommit", 2, 10, 8),
    OFFSET_FETCH(9, "OffsetFetch", 1, 10, 6),
    FIND_COORDINATOR(10, "FindCoordinator", 0, 6, 3),
    JOIN_GROUP(11, "JoinGroup", 0, 9, 6),
    HEARTBEAT(12, "Heartbeat", 0, 4, 4),
    LEAVE_GROUP(13, "LeaveGroup", 0, 5, 4),
    SYNC_GROUP(14, "SyncGroup", 0, 5, 4),
    DESCRIBE_GROUPS(15, "DescribeGroups", 0, 6, 5),
    LIST_GROUPS(16, "ListGroups", 0, 5, 3),
    API_VERSIONS(18, "ApiVersions", 0, 4, 3),
    CREATE_TOPICS(19, "CreateTopics", 2, 7, 5),
    DELETE_TOPICS(20, "DeleteTopics", 1, 6, 4),
    INIT_PRODUCER_ID(22, "InitProducerId", 0, 5, 2),
    DESCRIBE_CONFIGS(32, "DescribeConfigs", 1, 4, 4),
    CREATE_PARTITIONS(37, "CreatePartitions", 0, 3, 2),
    DELETE_GROUPS(42, "DeleteGroups", 0, 2, 2),
    DESCRIBE_CLUSTER(60, "DescribeCluster", 0, 2, 0);

    /**
     * Produce v0-2 are advertised but refused on use, as Kafka 4.x does (KAFKA-18659): librdkafka
     * before 2.11 enables compression only when Produce v0 is inside the advertised band.
     */
    public static final short PRODUCE_ADVERTISED_MIN_VERSION = 0;

    private static final ApiKey[] BY_ID = new ApiKey[128];

    static {
        for (ApiKey key : values()) {
            BY_ID[key.id] = key;
        }
    }

    public final short id;
    public final String displayName;
    /**
     * The band the broker serves end to end: Kafka 4.x's band of this API (KIP-896 floors). What
     * ApiVersions advertises is this band, except Produce, advertised from
     * {@link #PRODUCE_ADVERTISED_MIN_VERSION}.
     */
    public final short servedMinVersion;
    public final short servedMaxVersion;
    /** First version that uses the flexible (compact, tagged) encoding. */
    public final short firstFlexibleVersion;

    ApiKey(int id, String displayName, int servedMinVersion, int servedMaxVersion, int firstFlexibleVersion) {
        this.servedMinVersion = (short) servedMinVersion;
        this.servedMaxVersion = (short) servedMaxVersion;
        this.id = (short) id;
        this.displayName = displayName;
        this.firstFlexibleVersion = (short) firstFlexibleVersion;
    }

    /** The API with this id, or null when Varve does not serve it. */
    public static ApiKey forId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** Whether the broker serves {@code version} (Produce v0-2 are advertised, not served). */
    public boolean isVersionServed(short version) {
        return version >= servedMinVersion && version <= servedMaxVersion;
    }

    /** The lowest version ApiVersions advertises. */
    public short advertisedMinVersion() {
        return this == PRODUCE ? PRODUCE_ADVERTISED_MIN_VERSION : servedMinVersion;
    }

    /** Whether this version uses compact encodings and tagged fields (at any version, served or not). */
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
            versions.add(new ApiVersionsResponse.ApiVersion(key.id, key.advertisedMinVersion(), key.servedMaxVersion));
        }
        return ApiVersionsResponse.builder().errorCode(error.code).apiKeys(versions).build();
    }
}
