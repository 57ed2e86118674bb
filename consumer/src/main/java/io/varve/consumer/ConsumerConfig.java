package io.varve.consumer;

import static io.varve.config.ConfigDef.Type.BOOLEAN;
import static io.varve.config.ConfigDef.Type.INT;
import static io.varve.config.ConfigDef.Type.LIST;
import static io.varve.config.ConfigDef.Type.STRING;

import io.varve.config.ClientConfig;
import io.varve.config.ConfigDef;
import io.varve.config.ConfigException;
import io.varve.consumer.assignor.PartitionAssignor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The consumer's own properties, with Kafka's names and defaults: how much a fetch may wait for and
 * carry, how many records one poll returns, where a partition without a position starts, and whether
 * CRCs are checked, and (Varve's own) how far one compressed batch may inflate. It composes the shared {@link ClientConfig}, parsed from the same map.
 *
 * <p>{@code isolation.level=read_committed} is refused: transactions are not supported yet, and
 * reading aborted records while claiming otherwise would be wrong.
 *
 * <p>Immutable and validated at construction; thread-safe.
 */
public final class ConsumerConfig {

    public static final String FETCH_MIN_BYTES = "fetch.min.bytes";
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String FETCH_MAX_WAIT_MS = "fetch.max.wait.ms";
    public static final String MAX_PARTITION_FETCH_BYTES = "max.partition.fetch.bytes";
    public static final String MAX_POLL_RECORDS = "max.poll.records";
    public static final String AUTO_OFFSET_RESET = "auto.offset.reset";
    public static final String ISOLATION_LEVEL = "isolation.level";
    public static final String CHECK_CRCS = "check.crcs";
    public static final String DEFAULT_API_TIMEOUT_MS = "default.api.timeout.ms";
    public static final String MAX_DECOMPRESSED_BATCH_BYTES = "max.decompressed.batch.bytes";
    public static final String GROUP_ID = "group.id";
    public static final String GROUP_INSTANCE_ID = "group.instance.id";
    public static final String SESSION_TIMEOUT_MS = "session.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    public static final String MAX_POLL_INTERVAL_MS = "max.poll.interval.ms";
    public static final String PARTITION_ASSIGNMENT_STRATEGY = "partition.assignment.strategy";
    public static final String ENABLE_AUTO_COMMIT = "enable.auto.commit";
    public static final String AUTO_COMMIT_INTERVAL_MS = "auto.commit.interval.ms";

    public static final String READ_UNCOMMITTED = "read_uncommitted";
    public static final String READ_COMMITTED = "read_committed";

    public static final ConfigDef DEF = new ConfigDef("Consumer")
        .define(FETCH_MIN_BYTES, INT, 1, "bytes", 0L, null,
            "Bytes a fetch asks the broker to accumulate before answering; the broker answers earlier when fetch.max.wait.ms passes.")
        .define(FETCH_MAX_BYTES, INT, 52_428_800, "bytes", 0L, null,
            "Size limit of one fetch response, over all its partitions; the first batch is returned even if larger, so the consumer always progresses.")
        .define(FETCH_MAX_WAIT_MS, INT, 500, "ms", 0L, null,
            "Time the broker may hold a fetch waiting for fetch.min.bytes.")
        .define(MAX_PARTITION_FETCH_BYTES, INT, 1_048_576, "bytes", 0L, null,
            "Size limit of one partition's data in a fetch response; the first batch is returned even if larger.")
        .define(MAX_POLL_RECORDS, INT, 500, "records", 1L, null,
            "Most records one poll returns; the rest stay buffered for the next polls.")
        .define(AUTO_OFFSET_RESET, STRING, "latest", null,
            "Where a partition without a valid position starts: earliest (log start), latest (log end), or none (poll "
                + "fails with NoOffsetForPartitionException or OffsetOutOfRangeException until the application seeks).")
        .define(ISOLATION_LEVEL, STRING, READ_UNCOMMITTED, null,
            "Which records fetches return: read_uncommitted only; read_committed is refused until transactions are supported.")
        .define(CHECK_CRCS, BOOLEAN, true, null,
            "Check the CRC32C of every fetched batch before returning its records; a mismatch fails the poll with CorruptRecordException.")
        .define(DEFAULT_API_TIMEOUT_MS, INT, 60_000, "ms", 0L, null,
            "Timeout of the blocking calls that take none: position, beginningOffsets, endOffsets, offsetsForTimes.")
        .define(MAX_DECOMPRESSED_BATCH_BYTES, INT, 64 * 1024 * 1024, "bytes", 1_024L, null,
            "Varve: most bytes the records of one compressed batch may inflate to; a batch that inflates further (a "
                + "decompression bomb) or does not inflate fails the poll with CorruptRecordException.")
        .define(GROUP_ID, STRING, "", null,
            "The consumer group this consumer joins when it subscribes; empty means none (assign mode only, no commits).")
        .define(GROUP_INSTANCE_ID, STRING, "", null,
            "A static member's id, stable across restarts: the broker keeps its partitions for session.timeout.ms while it "
                + "is away, and close() does not leave the group. Empty means a dynamic member.")
        .define(SESSION_TIMEOUT_MS, INT, 45_000, "ms", 1L, null,
            "How long the group coordinator waits without a heartbeat before it drops the member and rebalances; must lie "
                + "within the broker's group.min.session.timeout.ms and group.max.session.timeout.ms.")
        .define(HEARTBEAT_INTERVAL_MS, INT, 3_000, "ms", 1L, null,
            "Time between heartbeats, sent by the consumer's heartbeat thread; below session.timeout.ms.")
        .define(MAX_POLL_INTERVAL_MS, INT, 300_000, "ms", 1L, null,
            "Longest time between two polls of a group member; past it the heartbeat thread leaves the group (a static "
                + "member stops heartbeating) and the next poll rejoins. Also the rebalance timeout sent in JoinGroup.")
        .define(PARTITION_ASSIGNMENT_STRATEGY, LIST, List.of("range", "cooperative-sticky"), null,
            "The assignors this member offers, in preference order: range, roundrobin, cooperative-sticky. The group uses the "
                + "first one every member offers; the rebalance is cooperative only if every assignor listed supports it.")
        .define(ENABLE_AUTO_COMMIT, BOOLEAN, true, null,
            "Commit the positions of the returned records in the background of poll every auto.commit.interval.ms, before a "
                + "rebalance revokes partitions, and at close. Needs group.id.")
        .define(AUTO_COMMIT_INTERVAL_MS, INT, 5_000, "ms", 0L, null,
            "Time between automatic commits when enable.auto.commit is true.");

    private final ClientConfig clientConfig;
    private final int fetchMinBytes;
    private final int fetchMaxBytes;
    private final int fetchMaxWaitMs;
    private final int maxPartitionFetchBytes;
    private final int maxPollRecords;
    private final OffsetResetStrategy autoOffsetReset;
    private final boolean checkCrcs;
    private final int defaultApiTimeoutMs;
    private final int maxDecompressedBatchBytes;
    private final String groupId;
    private final String groupInstanceId;
    private final int sessionTimeoutMs;
    private final int heartbeatIntervalMs;
    private final int maxPollIntervalMs;
    private final List<String> assignmentStrategies;
    private final boolean enableAutoCommit;
    private final int autoCommitIntervalMs;

    private ConsumerConfig(ConfigDef.Values v, ClientConfig clientConfig) {
        this.clientConfig = clientConfig;
        this.fetchMinBytes = v.getInt(FETCH_MIN_BYTES);
        this.fetchMaxBytes = v.getInt(FETCH_MAX_BYTES);
        this.fetchMaxWaitMs = v.getInt(FETCH_MAX_WAIT_MS);
        this.maxPartitionFetchBytes = v.getInt(MAX_PARTITION_FETCH_BYTES);
        this.maxPollRecords = v.getInt(MAX_POLL_RECORDS);
        this.autoOffsetReset = OffsetResetStrategy.parse(v.getString(AUTO_OFFSET_RESET));
        if (autoOffsetReset == null) {
            throw new ConfigException(AUTO_OFFSET_RESET, v.getString(AUTO_OFFSET_RESET), "expected earliest, latest or none");
        }
        String isolation = v.getString(ISOLATION_LEVEL);
        if (isolation.equals(READ_COMMITTED)) {
            throw new ConfigException(ISOLATION_LEVEL, isolation,
                "read_committed is not supported yet (no transactions); use read_uncommitted");
        }
        if (!isolation.equals(READ_UNCOMMITTED)) {
            throw new ConfigException(ISOLATION_LEVEL, isolation, "expected read_uncommitted");
        }
        this.checkCrcs = v.getBoolean(CHECK_CRCS);
        this.defaultApiTimeoutMs = v.getInt(DEFAULT_API_TIMEOUT_MS);
        this.maxDecompressedBatchBytes = v.getInt(MAX_DECOMPRESSED_BATCH_BYTES);
        this.groupId = v.getString(GROUP_ID);
        this.groupInstanceId = v.getString(GROUP_INSTANCE_ID);
        this.sessionTimeoutMs = v.getInt(SESSION_TIMEOUT_MS);
        this.heartbeatIntervalMs = v.getInt(HEARTBEAT_INTERVAL_MS);
        this.maxPollIntervalMs = v.getInt(MAX_POLL_INTERVAL_MS);
        this.enableAutoCommit = v.getBoolean(ENABLE_AUTO_COMMIT);
        this.autoCommitIntervalMs = v.getInt(AUTO_COMMIT_INTERVAL_MS);
        if (heartbeatIntervalMs >= sessionTimeoutMs) {
            throw new ConfigException(HEARTBEAT_INTERVAL_MS, heartbeatIntervalMs,
                "must be below " + SESSION_TIMEOUT_MS + " (" + sessionTimeoutMs + ")");
        }
        List<String> strategies = new ArrayList<>();
        for (String name : v.getList(PARTITION_ASSIGNMENT_STRATEGY)) {
            try {
                strategies.add(PartitionAssignor.forName(name).name());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(PARTITION_ASSIGNMENT_STRATEGY, name, e.getMessage());
            }
        }
        if (strategies.isEmpty() || strategies.stream().distinct().count() != strategies.size()) {
            throw new ConfigException(PARTITION_ASSIGNMENT_STRATEGY, strategies, "expected one or more distinct assignors");
        }
        this.assignmentStrategies = List.copyOf(strategies);
        if (fetchMaxBytes >= clientConfig.maxResponseBytes()) {
            throw new ConfigException(FETCH_MAX_BYTES, fetchMaxBytes,
                "must stay below " + ClientConfig.MAX_RESPONSE_BYTES + " (" + clientConfig.maxResponseBytes() + ")");
        }
    }

    /**
     * Builds the consumer config and its shared client config from one property map.
     *
     * @throws ConfigException naming the first property that is missing, malformed or out of range
     */
    public static ConsumerConfig from(Map<String, ?> props) {
        return new ConsumerConfig(DEF.parse(props), ClientConfig.from(props));
    }

    public ClientConfig clientConfig() {
        return clientConfig;
    }

    public int fetchMinBytes() {
        return fetchMinBytes;
    }

    public int fetchMaxBytes() {
        return fetchMaxBytes;
    }

    public int fetchMaxWaitMs() {
        return fetchMaxWaitMs;
    }

    public int maxPartitionFetchBytes() {
        return maxPartitionFetchBytes;
    }

    public int maxPollRecords() {
        return maxPollRecords;
    }

    public OffsetResetStrategy autoOffsetReset() {
        return autoOffsetReset;
    }

    public boolean checkCrcs() {
        return checkCrcs;
    }

    public int defaultApiTimeoutMs() {
        return defaultApiTimeoutMs;
    }

    /** The most bytes one compressed batch's records may inflate to (Varve's decompression-bomb limit). */
    public int maxDecompressedBatchBytes() {
        return maxDecompressedBatchBytes;
    }

    /** The group to join on subscribe; empty when none. */
    public String groupId() {
        return groupId;
    }

    /** The static member id; empty for a dynamic member. */
    public String groupInstanceId() {
        return groupInstanceId;
    }

    public int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    public int heartbeatIntervalMs() {
        return heartbeatIntervalMs;
    }

    public int maxPollIntervalMs() {
        return maxPollIntervalMs;
    }

    /** Assignor names in preference order, validated. */
    public List<String> assignmentStrategies() {
        return assignmentStrategies;
    }

    public boolean enableAutoCommit() {
        return enableAutoCommit;
    }

    public int autoCommitIntervalMs() {
        return autoCommitIntervalMs;
    }
}
