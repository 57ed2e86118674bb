package io.varve.protocol;

import io.varve.protocol.generated.ApiVersionsResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kafka APIs Varve serves on its client listener, each with the band of versions the broker serves
 * end to end (Kafka 4.x's bands, {@link #servedMinVersion}-{@link #servedMaxVersion}). {@code ApiVersions}
 * advertises exactly this table, and {@code docs/protocol.md} is checked against it by a test.
 *
 * <p>A second, narrower band per API ({@link #minVersion}-{@link #maxVersion}, from the first flexible
 * version) is what Varve's own clients negotiate within while they still use the hand-written message
 * classes; it is not advertised.
 */
public enum ApiKey {
    PRODUCE(0, "Produce", 9, 12, 9, 3, 13),
    FETCH(1, "Fetch", 12, 16, 12, 4, 18),
    LIST_OFFSETS(2, "ListOffsets", 6, 9, 6, 1, 11),
    METADATA(3, "Metadata", 9, 13, 9, 0, 13),
    OFFSET_COMMIT(8, "OffsetCommit", 8, 9, 8, 2, 10),
    OFFSET_FETCH(9, "OffsetFetch", 8, 9, 6, 1, 10),
    FIND_COORDINATOR(10, "FindCoordinator", 4, 6, 3, 0, 6),
    JOIN_GROUP(11, "JoinGroup", 6, 9, 6, 0, 9),
    HEARTBEAT(12, "Heartbeat", 4, 4, 4, 0, 4),
    LEAVE_GROUP(13, "LeaveGroup", 4, 5, 4, 0, 5),
    SYNC_GROUP(14, "SyncGroup", 4, 5, 4, 0, 5),
    DESCRIBE_GROUPS(15, "DescribeGroups", 5, 6, 5, 0, 6),
    LIST_GROUPS(16, "ListGroups", 3, 5, 3, 0, 5),
    API_VERSIONS(18, "ApiVersions", 0, 4, 3, 0, 4),
    CREATE_TOPICS(19, "CreateTopics", 5, 7, 5, 2, 7),
    DELETE_TOPICS(20, "DeleteTopics", 4, 6, 4, 1, 6),
    INIT_PRODUCER_ID(22, "InitProducerId", 2, 5, 2, 0, 5),
    DESCRIBE_CONFIGS(32, "DescribeConfigs", 4, 4, 4, 1, 4),
    CREATE_PARTITIONS(37, "CreatePartitions", 2, 3, 2, 0, 3),
    DELETE_GROUPS(42, "DeleteGroups", 2, 2, 2, 0, 2),
    DESCRIBE_CLUSTER(60, "DescribeCluster", 0, 2, 0, 0, 2);

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
     * The band Varve's own clients (modules client, producer, consumer, cli) negotiate within, the
     * range their message classes encode; not what the broker advertises.
     */
    public final short minVersion;
    public final short maxVersion;
    /**
     * The band the broker serves end to end: Kafka 4.x's band of this API (KIP-896 floors). What
     * ApiVersions advertises is this band, except Produce, advertised from
     * {@link #PRODUCE_ADVERTISED_MIN_VERSION}.
     */
    public final short servedMinVersion;
    public final short servedMaxVersion;
    /** First version that uses the flexible (compact, tagged) encoding. */
    public final short firstFlexibleVersion;

    ApiKey(int id, String displayName, int minVersion, int maxVersion, int firstFlexibleVersion, int servedMinVersion,
           int servedMaxVersion) {
        this.servedMinVersion = (short) servedMinVersion;
        this.servedMaxVersion = (short) servedMaxVersion;
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

    /** Whether Varve's own clients' band holds {@code version}. */
    public boolean isVersionSupported(short version) {
        return version >= minVersion && version <= maxVersion;
    }

    /** Whether the broker serves {@code version} (Produce v0-2 are advertised, not served). */
    public boolean isVersionServed(short version) {
        return version >= servedMinVersion && version <= servedMaxVersion;
    }

    /** The lowest version ApiVersions advertises. */
    public short advertisedMinVersion() {
        return this == PRODUCE ? PRODUCE_ADVERTISED_MIN_VERSION : servedMinVersion;
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
            versions.add(new ApiVersionsResponse.ApiVersion(key.id, key.advertisedMinVersion(), key.servedMaxVersion));
        }
        return ApiVersionsResponse.builder().errorCode(error.code).apiKeys(versions).build();
    }
}
