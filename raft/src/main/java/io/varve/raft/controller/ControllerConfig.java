package io.varve.raft.controller;

import static io.varve.config.ConfigDef.Type.BOOLEAN;
import static io.varve.config.ConfigDef.Type.INT;

import io.varve.config.ConfigDef;
import io.varve.config.LogConfig;
import java.util.Map;

/**
 * How the controller decides: topic defaults, the limit on partitions one request may create, the
 * metadata log's segment size, and the broker-level log settings that topic configs default to.
 * Property names are Kafka's where Kafka has one. Immutable and validated at construction;
 * thread-safe.
 */
public final class ControllerConfig {

    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String MAX_PARTITIONS_PER_REQUEST = "controller.max.partitions.per.request";
    public static final String METADATA_LOG_SEGMENT_BYTES = "metadata.log.segment.bytes";
    public static final String BROKER_SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE;

    /** Producer ids in the block that one AllocateProducerIds hands out, as in Kafka. */
    public static final int PRODUCER_ID_BLOCK_SIZE = 1000;

    public static final ConfigDef DEF = new ConfigDef("Controller")
        .define(NUM_PARTITIONS, INT, 1, "partitions", 1L, 100_000L,
            "Partitions of a topic created without a partition count (-1).")
        .define(DEFAULT_REPLICATION_FACTOR, INT, 1, "replicas", 1L, (long) Short.MAX_VALUE,
            "Replicas of each partition of a topic created without a replication factor (-1).")
        .define(MAX_PARTITIONS_PER_REQUEST, INT, 10_000, "partitions", 1L, 100_000L,
            "Most partitions that one CreateTopics or CreatePartitions request may create; topics past the limit"
                + " fail with POLICY_VIOLATION. Bounds the size of one metadata log batch.")
        .define(METADATA_LOG_SEGMENT_BYTES, INT, 64 * 1024 * 1024, "bytes", (long) LogConfig.MIN_SEGMENT_BYTES,
            (long) Integer.MAX_VALUE,
            "Segment size of the metadata log; also the largest batch of metadata records one change may write.")
        .define(BROKER_SESSION_TIMEOUT_MS, INT, 9000, "ms", 1L, (long) Integer.MAX_VALUE,
            "A broker's lease: the active controller fences a broker that has not heartbeated for this long,"
                + " and moves its leaderships to other in-sync replicas.")
        .define(UNCLEAN_LEADER_ELECTION_ENABLE, BOOLEAN, false, null,
            "Whether a partition with no live in-sync replica may elect any live replica (losing acknowledged"
                + " records). Default of the topic config of the same name.");

    private final int defaultNumPartitions;
    private final short defaultReplicationFactor;
    private final int maxPartitionsPerRequest;
    private final int metadataLogSegmentBytes;
    private final TopicConfigs topicConfigs;
    private final int brokerSessionTimeoutMs;
    private final boolean uncleanLeaderElectionEnable;

    private ControllerConfig(ConfigDef.Values v, TopicConfigs topicConfigs) {
        this.brokerSessionTimeoutMs = v.getInt(BROKER_SESSION_TIMEOUT_MS);
        this.uncleanLeaderElectionEnable = v.getBoolean(UNCLEAN_LEADER_ELECTION_ENABLE);
        this.defaultNumPartitions = v.getInt(NUM_PARTITIONS);
        this.defaultReplicationFactor = (short) v.getInt(DEFAULT_REPLICATION_FACTOR);
        this.maxPartitionsPerRequest = v.getInt(MAX_PARTITIONS_PER_REQUEST);
        this.metadataLogSegmentBytes = v.getInt(METADATA_LOG_SEGMENT_BYTES);
        this.topicConfigs = topicConfigs;
    }

    /**
     * Builds the config from the server's properties; the broker-level log properties among them
     * ({@link LogConfig}) become the defaults of topic configs.
     *
     * @throws io.varve.config.ConfigException naming the first malformed or out-of-range property
     */
    public static ControllerConfig from(Map<String, ?> props) {
        return new ControllerConfig(DEF.parse(props), TopicConfigs.withBrokerDefaults(props));
    }

    /** Every property at its default. */
    public static ControllerConfig defaults() {
        return from(Map.of());
    }

    public int defaultNumPartitions() {
        return defaultNumPartitions;
    }

    public short defaultReplicationFactor() {
        return defaultReplicationFactor;
    }

    public int maxPartitionsPerRequest() {
        return maxPartitionsPerRequest;
    }

    public int metadataLogSegmentBytes() {
        return metadataLogSegmentBytes;
    }

    /** {@value #BROKER_SESSION_TIMEOUT_MS}: how long a broker's lease lasts after its last heartbeat. */
    public int brokerSessionTimeoutMs() {
        return brokerSessionTimeoutMs;
    }

    /** {@value #UNCLEAN_LEADER_ELECTION_ENABLE}, the cluster-wide default. */
    public boolean uncleanLeaderElectionEnable() {
        return uncleanLeaderElectionEnable;
    }

    /** Whether unclean election is on for a topic with these config overrides (its own, else the default). */
    public boolean uncleanLeaderElection(Map<String, String> topicOverrides) {
        String value = topicOverrides.get(UNCLEAN_LEADER_ELECTION_ENABLE);
        return value == null ? uncleanLeaderElectionEnable : Boolean.parseBoolean(value.trim());
    }

    /** Topic-level config names, their validation and their defaults. */
    public TopicConfigs topicConfigs() {
        return topicConfigs;
    }

    /**
     * The {@link LogConfig} of the metadata log: {@link #metadataLogSegmentBytes()} segments, batches
     * up to a whole segment, no retention, and no flush policy (the quorum fsyncs every append).
     */
    public LogConfig metadataLogConfig() {
        int indexBytes = Math.max(4096, metadataLogSegmentBytes / 512);
        return LogConfig.from(Map.of(
            LogConfig.SEGMENT_BYTES, metadataLogSegmentBytes,
            LogConfig.MESSAGE_MAX_BYTES, metadataLogSegmentBytes,
            LogConfig.INDEX_SIZE_MAX_BYTES, indexBytes,
            LogConfig.RETENTION_MS, -1L,
            LogConfig.RETENTION_BYTES, -1L));
    }
}
