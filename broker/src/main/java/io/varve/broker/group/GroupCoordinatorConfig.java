package io.varve.broker.group;

import static io.varve.config.ConfigDef.Type.INT;
import static io.varve.config.ConfigDef.Type.LONG;

import io.varve.config.ConfigDef;
import io.varve.config.ConfigException;
import java.util.Map;

/**
 * The group coordinator's properties, with Kafka's names and defaults (except the offsets topic's
 * replication factor, 1 here so that a single node works out of the box). Immutable and validated
 * at construction; thread-safe.
 */
public final class GroupCoordinatorConfig {

    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_RETENTION_MS = "offsets.retention.ms";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final String OFFSETS_COMMIT_TIMEOUT_MS = "offsets.commit.timeout.ms";

    public static final ConfigDef DEF = new ConfigDef("Group coordinator")
        .define(GROUP_INITIAL_REBALANCE_DELAY_MS, INT, 3000, "ms", 0L, (long) Integer.MAX_VALUE,
            "How long the first rebalance of an empty group waits for more members to join before it completes.")
        .define(GROUP_MIN_SESSION_TIMEOUT_MS, INT, 6000, "ms", 1L, (long) Integer.MAX_VALUE,
            "Smallest session timeout a member may ask for in JoinGroup; smaller ones get INVALID_SESSION_TIMEOUT.")
        .define(GROUP_MAX_SESSION_TIMEOUT_MS, INT, 1_800_000, "ms", 1L, (long) Integer.MAX_VALUE,
            "Largest session timeout a member may ask for in JoinGroup; larger ones get INVALID_SESSION_TIMEOUT.")
        .define(GROUP_MAX_SIZE, INT, Integer.MAX_VALUE, "members", 1L, (long) Integer.MAX_VALUE,
            "Most members in one group; one more joining gets GROUP_MAX_SIZE_REACHED.")
        .define(OFFSETS_TOPIC_NUM_PARTITIONS, INT, 50, "partitions", 1L, 10_000L,
            "Partitions of __consumer_offsets, created when a group first needs a coordinator. A group lives"
                + " in partition abs(groupId.hashCode()) % this, as in Kafka; never change it once the topic exists.")
        .define(OFFSETS_TOPIC_REPLICATION_FACTOR, INT, 1, "replicas", 1L, (long) Short.MAX_VALUE,
            "Replicas of each partition of __consumer_offsets (Kafka's default is 3; 1 lets a single node work).")
        .define(OFFSETS_RETENTION_MS, LONG, 7L * 24 * 60 * 60 * 1000, "ms", 1L, null,
            "Age after which the committed offsets of an empty group are forgotten (tombstoned).")
        .define(OFFSET_METADATA_MAX_BYTES, INT, 4096, "bytes", 0L, (long) Integer.MAX_VALUE,
            "Largest metadata string one committed offset may carry; larger ones get OFFSET_METADATA_TOO_LARGE.")
        .define(OFFSETS_COMMIT_TIMEOUT_MS, INT, 5000, "ms", 1L, (long) Integer.MAX_VALUE,
            "How long an offset commit or group change waits for every in-sync replica of its __consumer_offsets"
                + " partition before it is answered COORDINATOR_NOT_AVAILABLE (the client retries); it is"
                + " acknowledged only once replicated, as Kafka writes these records with acks=all.");

    private final int initialRebalanceDelayMs;
    private final int minSessionTimeoutMs;
    private final int maxSessionTimeoutMs;
    private final int maxSize;
    private final int offsetsTopicNumPartitions;
    private final short offsetsTopicReplicationFactor;
    private final long offsetsRetentionMs;
    private final int offsetMetadataMaxBytes;
    private final int offsetsCommitTimeoutMs;

    private GroupCoordinatorConfig(ConfigDef.Values v) {
        this.initialRebalanceDelayMs = v.getInt(GROUP_INITIAL_REBALANCE_DELAY_MS);
        this.minSessionTimeoutMs = v.getInt(GROUP_MIN_SESSION_TIMEOUT_MS);
        this.maxSessionTimeoutMs = v.getInt(GROUP_MAX_SESSION_TIMEOUT_MS);
        if (minSessionTimeoutMs > maxSessionTimeoutMs) {
            throw new ConfigException(GROUP_MIN_SESSION_TIMEOUT_MS, minSessionTimeoutMs,
                "exceeds " + GROUP_MAX_SESSION_TIMEOUT_MS + " " + maxSessionTimeoutMs);
        }
        this.maxSize = v.getInt(GROUP_MAX_SIZE);
        this.offsetsTopicNumPartitions = v.getInt(OFFSETS_TOPIC_NUM_PARTITIONS);
        this.offsetsTopicReplicationFactor = (short) v.getInt(OFFSETS_TOPIC_REPLICATION_FACTOR);
        this.offsetsRetentionMs = v.getLong(OFFSETS_RETENTION_MS);
        this.offsetMetadataMaxBytes = v.getInt(OFFSET_METADATA_MAX_BYTES);
        this.offsetsCommitTimeoutMs = v.getInt(OFFSETS_COMMIT_TIMEOUT_MS);
    }

    /** Builds the config from the server's properties; unknown names are ignored. */
    public static GroupCoordinatorConfig from(Map<String, ?> props) {
        return new GroupCoordinatorConfig(DEF.parse(props));
    }

    public static GroupCoordinatorConfig defaults() {
        return from(Map.of());
    }

    public int initialRebalanceDelayMs() {
        return initialRebalanceDelayMs;
    }

    public int minSessionTimeoutMs() {
        return minSessionTimeoutMs;
    }

    public int maxSessionTimeoutMs() {
        return maxSessionTimeoutMs;
    }

    public int maxSize() {
        return maxSize;
    }

    public int offsetsTopicNumPartitions() {
        return offsetsTopicNumPartitions;
    }

    public short offsetsTopicReplicationFactor() {
        return offsetsTopicReplicationFactor;
    }

    public long offsetsRetentionMs() {
        return offsetsRetentionMs;
    }

    public int offsetMetadataMaxBytes() {
        return offsetMetadataMaxBytes;
    }

    public int offsetsCommitTimeoutMs() {
        return offsetsCommitTimeoutMs;
    }
}
