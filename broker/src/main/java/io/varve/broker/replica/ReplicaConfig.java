package io.varve.broker.replica;

import static io.varve.config.ConfigDef.Type.INT;
import static io.varve.config.ConfigDef.Type.LONG;

import io.varve.config.ConfigDef;
import java.util.Map;

/**
 * Replication settings of a broker, Kafka's names: how followers fetch from leaders, when a leader
 * drops a lagging follower from the ISR, and the broker-wide default of {@code min.insync.replicas}.
 * Built and validated once ({@link #from}); immutable and thread-safe.
 *
 * @param lagTimeMaxMs          {@code replica.lag.time.max.ms}
 * @param fetchWaitMaxMs        {@code replica.fetch.wait.max.ms}
 * @param fetchMinBytes         {@code replica.fetch.min.bytes}
 * @param fetchMaxBytes         {@code replica.fetch.max.bytes} (per partition)
 * @param fetchResponseMaxBytes {@code replica.fetch.response.max.bytes}
 * @param fetchBackoffMs        {@code replica.fetch.backoff.ms}
 * @param minInsyncReplicas     {@code min.insync.replicas}, the default of the topic config
 */
public record ReplicaConfig(long lagTimeMaxMs, int fetchWaitMaxMs, int fetchMinBytes, int fetchMaxBytes,
                            int fetchResponseMaxBytes, int fetchBackoffMs, int minInsyncReplicas) {

    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
    public static final String REPLICA_FETCH_MIN_BYTES = "replica.fetch.min.bytes";
    public static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
    public static final String REPLICA_FETCH_RESPONSE_MAX_BYTES = "replica.fetch.response.max.bytes";
    public static final String REPLICA_FETCH_BACKOFF_MS = "replica.fetch.backoff.ms";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";

    public static final ConfigDef DEF = new ConfigDef("Replication")
        .define(REPLICA_LAG_TIME_MAX_MS, LONG, 30_000L, "ms", 1L, null,
            "A follower that has not caught up with the leader's log end for this long is dropped from the ISR;"
                + " one that catches up is added back.")
        .define(REPLICA_FETCH_WAIT_MAX_MS, INT, 500, "ms", 0L, (long) Integer.MAX_VALUE,
            "How long a follower's fetch may wait at the leader for replica.fetch.min.bytes; keep it below"
                + " replica.lag.time.max.ms.")
        .define(REPLICA_FETCH_MIN_BYTES, INT, 1, "bytes", 1L, (long) Integer.MAX_VALUE,
            "Bytes a follower's fetch waits for before the leader answers.")
        .define(REPLICA_FETCH_MAX_BYTES, INT, 1024 * 1024, "bytes", 1024L, (long) Integer.MAX_VALUE,
            "Bytes a follower asks for per partition (the first batch is sent whole even when larger).")
        .define(REPLICA_FETCH_RESPONSE_MAX_BYTES, INT, 10 * 1024 * 1024, "bytes", 1024L, (long) Integer.MAX_VALUE,
            "Bytes a follower asks for in one fetch response over all partitions.")
        .define(REPLICA_FETCH_BACKOFF_MS, INT, 1000, "ms", 0L, (long) Integer.MAX_VALUE,
            "How long a replica fetcher waits after a failed fetch before it sends the next.")
        .define(MIN_INSYNC_REPLICAS, INT, 1, "replicas", 1L, (long) Short.MAX_VALUE,
            "In-sync replicas an acks=all produce needs, and below which the high-water mark stops; default of"
                + " the topic config of the same name.");

    /** The settings in {@code props}, defaults for those missing; unknown names are ignored. */
    public static ReplicaConfig from(Map<String, ?> props) {
        ConfigDef.Values v = DEF.parse(props);
        return new ReplicaConfig(v.getLong(REPLICA_LAG_TIME_MAX_MS), v.getInt(REPLICA_FETCH_WAIT_MAX_MS),
            v.getInt(REPLICA_FETCH_MIN_BYTES), v.getInt(REPLICA_FETCH_MAX_BYTES),
            v.getInt(REPLICA_FETCH_RESPONSE_MAX_BYTES), v.getInt(REPLICA_FETCH_BACKOFF_MS), v.getInt(MIN_INSYNC_REPLICAS));
    }

    /** The effective {@code min.insync.replicas} of a topic: its override, else this broker's default. */
    public int minInsyncReplicas(Map<String, String> topicConfigs) {
        String override = topicConfigs.get(MIN_INSYNC_REPLICAS);
        return override == null ? minInsyncReplicas : Integer.parseInt(override.trim());
    }
}
