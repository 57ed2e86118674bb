package io.varve.config;

import static io.varve.config.ConfigDef.Type.DOUBLE;
import static io.varve.config.ConfigDef.Type.INT;
import static io.varve.config.ConfigDef.Type.LIST;
import static io.varve.config.ConfigDef.Type.LONG;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one partition log behaves: segment size and age, index density, retention, flushing, the
 * largest batch it accepts, and how long it remembers an idle idempotent producer. Property names are
 * Kafka's broker-level names. Immutable and validated at construction; thread-safe.
 */
public final class LogConfig {

    public static final String SEGMENT_BYTES = "log.segment.bytes";
    public static final String SEGMENT_MS = "log.roll.ms";
    public static final String INDEX_INTERVAL_BYTES = "log.index.interval.bytes";
    public static final String INDEX_SIZE_MAX_BYTES = "log.index.size.max.bytes";
    public static final String RETENTION_MS = "log.retention.ms";
    public static final String RETENTION_BYTES = "log.retention.bytes";
    public static final String FLUSH_INTERVAL_MESSAGES = "log.flush.interval.messages";
    public static final String FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String CLEANUP_POLICY = "log.cleanup.policy";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "log.cleaner.min.cleanable.ratio";
    public static final String DELETE_RETENTION_MS = "log.cleaner.delete.retention.ms";
    public static final String MIN_COMPACTION_LAG_MS = "log.cleaner.min.compaction.lag.ms";
    public static final String MAX_COMPACTION_LAG_MS = "log.cleaner.max.compaction.lag.ms";

    /** {@code cleanup.policy} values: delete old segments, compact to the last value per key, or both. */
    public static final String POLICY_DELETE = "delete";
    public static final String POLICY_COMPACT = "compact";

    /** The smallest segment we accept: a few batch headers. Tests use small segments to force rolls. */
    public static final int MIN_SEGMENT_BYTES = 512;

    public static final ConfigDef DEF = new ConfigDef("Partition log")
        .define(SEGMENT_BYTES, INT, 1 << 30, "bytes", (long) MIN_SEGMENT_BYTES, (long) Integer.MAX_VALUE,
            "Size at which the active segment is closed and a new one rolled. Segment files are preallocated"
                + " (sparse) to this size while active and trimmed when closed.")
        .define(SEGMENT_MS, LONG, 7 * 24 * 3600 * 1000L, "ms", 1L, null,
            "Age of the active segment's first batch after which the next append rolls a new segment.")
        .define(INDEX_INTERVAL_BYTES, INT, 4096, "bytes", 0L, (long) Integer.MAX_VALUE,
            "Bytes appended between two entries of the sparse offset and time indexes.")
        .define(INDEX_SIZE_MAX_BYTES, INT, 10 * 1024 * 1024, "bytes", 12L * 2, (long) Integer.MAX_VALUE,
            "Preallocated size of each segment's offset and time index; a full index rolls the segment.")
        .define(RETENTION_MS, LONG, 7 * 24 * 3600 * 1000L, "ms", -1L, null,
            "Age after which a closed segment is deleted, judged by its largest timestamp; -1 keeps forever.")
        .define(RETENTION_BYTES, LONG, -1L, "bytes", -1L, null,
            "Size above which the oldest closed segments are deleted; -1 means no size limit.")
        .define(FLUSH_INTERVAL_MESSAGES, LONG, Long.MAX_VALUE, "records", 1L, null,
            "Records appended after which the log is fsynced. The default never forces a flush:"
                + " durability comes from replication, as in Kafka.")
        .define(FLUSH_INTERVAL_MS, LONG, Long.MAX_VALUE, "ms", 0L, null,
            "Time after the last flush at which the next append or flush check fsyncs the log.")
        .define(MESSAGE_MAX_BYTES, INT, 1024 * 1024 + 12, "bytes", 0L, (long) Integer.MAX_VALUE,
            "Largest record batch the log accepts, header included.")
        .define(PRODUCER_ID_EXPIRATION_MS, LONG, 24 * 3600 * 1000L, "ms", 1L, null,
            "Time after the largest timestamp of a producer's last batch at which the log forgets the producer"
                + " id and its sequence numbers; a later batch of that producer must start again at sequence 0.")
        .define(CLEANUP_POLICY, LIST, List.of(POLICY_DELETE), null,
            "delete, compact, or both (comma-separated): delete removes old segments by retention.ms and"
                + " retention.bytes; compact keeps only the last record of each key (see docs/storage.md).")
        .define(MIN_CLEANABLE_DIRTY_RATIO, DOUBLE, 0.5, "ratio", 0L, 1L,
            "A compacted log is cleaned once its dirty bytes (not yet compacted) are at least this share of"
                + " its cleanable bytes.")
        .define(DELETE_RETENTION_MS, LONG, 24 * 3600 * 1000L, "ms", 0L, null,
            "How long a tombstone (a record with a null value) stays in a compacted log after the cleaner first"
                + " kept it, so that consumers reading from behind still see the delete.")
        .define(MIN_COMPACTION_LAG_MS, LONG, 0L, "ms", 0L, null,
            "The least age (by a segment's largest timestamp) before records of a segment may be compacted.")
        .define(MAX_COMPACTION_LAG_MS, LONG, Long.MAX_VALUE, "ms", 1L, null,
            "A compacted log whose oldest dirty segment is older than this (by its largest timestamp) is"
                + " cleaned whatever its dirty ratio.");

    private final int segmentBytes;
    private final long segmentMs;
    private final int indexIntervalBytes;
    private final int maxIndexSizeBytes;
    private final long retentionMs;
    private final long retentionBytes;
    private final long flushIntervalMessages;
    private final long flushIntervalMs;
    private final int maxMessageBytes;
    private final long producerIdExpirationMs;
    private final List<String> cleanupPolicy;
    private final double minCleanableDirtyRatio;
    private final long deleteRetentionMs;
    private final long minCompactionLagMs;
    private final long maxCompactionLagMs;

    private LogConfig(ConfigDef.Values v) {
        this.segmentBytes = v.getInt(SEGMENT_BYTES);
        this.segmentMs = v.getLong(SEGMENT_MS);
        this.indexIntervalBytes = v.getInt(INDEX_INTERVAL_BYTES);
        this.maxIndexSizeBytes = v.getInt(INDEX_SIZE_MAX_BYTES);
        this.retentionMs = v.getLong(RETENTION_MS);
        this.retentionBytes = v.getLong(RETENTION_BYTES);
        this.flushIntervalMessages = v.getLong(FLUSH_INTERVAL_MESSAGES);
        this.flushIntervalMs = v.getLong(FLUSH_INTERVAL_MS);
        this.maxMessageBytes = v.getInt(MESSAGE_MAX_BYTES);
        this.producerIdExpirationMs = v.getLong(PRODUCER_ID_EXPIRATION_MS);
        this.cleanupPolicy = List.copyOf(v.getList(CLEANUP_POLICY));
        if (cleanupPolicy.isEmpty() || !Set.of(POLICY_DELETE, POLICY_COMPACT).containsAll(cleanupPolicy)) {
            throw new ConfigException(CLEANUP_POLICY, cleanupPolicy, "must be delete, compact or compact,delete");
        }
        this.minCleanableDirtyRatio = v.getDouble(MIN_CLEANABLE_DIRTY_RATIO);
        this.deleteRetentionMs = v.getLong(DELETE_RETENTION_MS);
        this.minCompactionLagMs = v.getLong(MIN_COMPACTION_LAG_MS);
        this.maxCompactionLagMs = v.getLong(MAX_COMPACTION_LAG_MS);
    }

    /** Builds a config from properties; unknown names are ignored, missing ones take their default. */
    public static LogConfig from(Map<String, ?> props) {
        return new LogConfig(DEF.parse(props));
    }

    /** Every property at its default. */
    public static LogConfig defaults() {
        return from(Map.of());
    }

    public int segmentBytes() {
        return segmentBytes;
    }

    public long segmentMs() {
        return segmentMs;
    }

    public int indexIntervalBytes() {
        return indexIntervalBytes;
    }

    public int maxIndexSizeBytes() {
        return maxIndexSizeBytes;
    }

    public long retentionMs() {
        return retentionMs;
    }

    public long retentionBytes() {
        return retentionBytes;
    }

    public long flushIntervalMessages() {
        return flushIntervalMessages;
    }

    public long flushIntervalMs() {
        return flushIntervalMs;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public long producerIdExpirationMs() {
        return producerIdExpirationMs;
    }

    /** The cleanup policies, {@link #POLICY_DELETE} and/or {@link #POLICY_COMPACT}. */
    public List<String> cleanupPolicy() {
        return cleanupPolicy;
    }

    /** Whether the log is compacted ({@code cleanup.policy} holds compact). */
    public boolean compact() {
        return cleanupPolicy.contains(POLICY_COMPACT);
    }

    /** Whether retention deletes old segments ({@code cleanup.policy} holds delete). */
    public boolean delete() {
        return cleanupPolicy.contains(POLICY_DELETE);
    }

    public double minCleanableDirtyRatio() {
        return minCleanableDirtyRatio;
    }

    public long deleteRetentionMs() {
        return deleteRetentionMs;
    }

    public long minCompactionLagMs() {
        return minCompactionLagMs;
    }

    public long maxCompactionLagMs() {
        return maxCompactionLagMs;
    }

    @Override
    public String toString() {
        return "LogConfig{segmentBytes=" + segmentBytes + ", segmentMs=" + segmentMs
            + ", indexIntervalBytes=" + indexIntervalBytes + ", maxIndexSizeBytes=" + maxIndexSizeBytes
            + ", retentionMs=" + retentionMs + ", retentionBytes=" + retentionBytes
            + ", flushIntervalMessages=" + flushIntervalMessages + ", flushIntervalMs=" + flushIntervalMs
            + ", maxMessageBytes=" + maxMessageBytes + ", producerIdExpirationMs=" + producerIdExpirationMs
            + ", cleanupPolicy=" + cleanupPolicy + ", minCleanableDirtyRatio=" + minCleanableDirtyRatio
            + ", deleteRetentionMs=" + deleteRetentionMs + ", minCompactionLagMs=" + minCompactionLagMs
            + ", maxCompactionLagMs=" + maxCompactionLagMs + '}';
    }
}
