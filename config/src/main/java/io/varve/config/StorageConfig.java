package io.varve.config;

import static io.varve.config.ConfigDef.Type.BOOLEAN;
import static io.varve.config.ConfigDef.Type.INT;
import static io.varve.config.ConfigDef.Type.LIST;
import static io.varve.config.ConfigDef.Type.LONG;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where and how a broker keeps its partition logs: the log directories, recovery parallelism, the
 * periodic retention, flush and checkpoint work, and the default {@link LogConfig} for every log.
 * Immutable and validated at construction; thread-safe.
 */
public final class StorageConfig {

    public static final String LOG_DIRS = "log.dirs";
    public static final String RECOVERY_THREADS_PER_DATA_DIR = "num.recovery.threads.per.data.dir";
    public static final String RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    public static final String CLEANER_ENABLE = "log.cleaner.enable";
    public static final String CLEANER_THREADS = "log.cleaner.threads";
    public static final String CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String CLEANER_IO_MAX_BYTES_PER_SECOND = "log.cleaner.io.max.bytes.per.second";

    /** The smallest dedupe buffer: room for about 43,000 keys. */
    public static final long MIN_CLEANER_DEDUPE_BUFFER_SIZE = 1L << 20;

    public static final ConfigDef DEF = new ConfigDef("Log directories")
        .define(LOG_DIRS, LIST, List.of("varve-data"), "paths",
            "Comma-separated directories that hold partition logs; partitions are spread over them.")
        .define(RECOVERY_THREADS_PER_DATA_DIR, INT, 2, "threads", 1L, 64L,
            "Threads per log directory that open and recover partitions at start and close them at shutdown.")
        .define(RETENTION_CHECK_INTERVAL_MS, LONG, 300_000L, "ms", 1L, null,
            "How often retention deletes segments past log.retention.ms or log.retention.bytes.")
        .define(FLUSH_SCHEDULER_INTERVAL_MS, LONG, Long.MAX_VALUE, "ms", 1L, null,
            "How often logs are checked against log.flush.interval.ms.")
        .define(FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, LONG, 60_000L, "ms", 1L, null,
            "How often each log directory's recovery-point checkpoint is written.")
        .define(CLEANER_ENABLE, BOOLEAN, true, null,
            "Whether the log cleaner runs: compacts logs whose cleanup.policy holds compact.")
        .define(CLEANER_THREADS, INT, 1, "threads", 1L, 64L,
            "Threads that clean compacted logs; each cleans one log at a time, the dirtiest first.")
        .define(CLEANER_BACKOFF_MS, LONG, 15_000L, "ms", 1L, null,
            "How long a cleaner thread waits when no log needs cleaning.")
        .define(CLEANER_DEDUPE_BUFFER_SIZE, LONG, 128L << 20, "bytes", MIN_CLEANER_DEDUPE_BUFFER_SIZE, null,
            "Memory for the cleaners' key-to-offset maps, shared by all cleaner threads (24 bytes per key);"
                + " a dirty section with more keys is cleaned in several passes.")
        .define(CLEANER_IO_MAX_BYTES_PER_SECOND, LONG, Long.MAX_VALUE, "bytes/s", 1L, null,
            "The most bytes per second each cleaner thread reads and writes; the default is unbounded.");

    private final List<Path> logDirs;
    private final int recoveryThreadsPerDataDir;
    private final long retentionCheckIntervalMs;
    private final long flushSchedulerIntervalMs;
    private final long flushOffsetCheckpointIntervalMs;
    private final boolean cleanerEnable;
    private final int cleanerThreads;
    private final long cleanerBackoffMs;
    private final long cleanerDedupeBufferSize;
    private final long cleanerIoMaxBytesPerSecond;
    private final LogConfig logConfig;

    private StorageConfig(ConfigDef.Values v, LogConfig logConfig) {
        List<String> dirs = v.getList(LOG_DIRS);
        if (dirs.isEmpty() || dirs.stream().anyMatch(String::isBlank)) {
            throw new ConfigException(LOG_DIRS, dirs, "needs one or more non-empty directory paths");
        }
        this.logDirs = dirs.stream().map(Path::of).toList();
        if (logDirs.stream().map(p -> p.toAbsolutePath().normalize()).distinct().count() != logDirs.size()) {
            throw new ConfigException(LOG_DIRS, dirs, "names the same directory twice");
        }
        this.recoveryThreadsPerDataDir = v.getInt(RECOVERY_THREADS_PER_DATA_DIR);
        this.retentionCheckIntervalMs = v.getLong(RETENTION_CHECK_INTERVAL_MS);
        this.flushSchedulerIntervalMs = v.getLong(FLUSH_SCHEDULER_INTERVAL_MS);
        this.flushOffsetCheckpointIntervalMs = v.getLong(FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS);
        this.cleanerEnable = v.getBoolean(CLEANER_ENABLE);
        this.cleanerThreads = v.getInt(CLEANER_THREADS);
        this.cleanerBackoffMs = v.getLong(CLEANER_BACKOFF_MS);
        this.cleanerDedupeBufferSize = v.getLong(CLEANER_DEDUPE_BUFFER_SIZE);
        this.cleanerIoMaxBytesPerSecond = v.getLong(CLEANER_IO_MAX_BYTES_PER_SECOND);
        this.logConfig = logConfig;
    }

    /** Builds the storage config and the default log config from one set of properties. */
    public static StorageConfig from(Map<String, ?> props) {
        return new StorageConfig(DEF.parse(props), LogConfig.from(props));
    }

    public List<Path> logDirs() {
        return logDirs;
    }

    public int recoveryThreadsPerDataDir() {
        return recoveryThreadsPerDataDir;
    }

    public long retentionCheckIntervalMs() {
        return retentionCheckIntervalMs;
    }

    public long flushSchedulerIntervalMs() {
        return flushSchedulerIntervalMs;
    }

    public long flushOffsetCheckpointIntervalMs() {
        return flushOffsetCheckpointIntervalMs;
    }

    /** The default configuration of every log in these directories. */
    public boolean cleanerEnable() {
        return cleanerEnable;
    }

    public int cleanerThreads() {
        return cleanerThreads;
    }

    public long cleanerBackoffMs() {
        return cleanerBackoffMs;
    }

    /** The dedupe memory of all cleaner threads together. */
    public long cleanerDedupeBufferSize() {
        return cleanerDedupeBufferSize;
    }

    public long cleanerIoMaxBytesPerSecond() {
        return cleanerIoMaxBytesPerSecond;
    }

    public LogConfig logConfig() {
        return logConfig;
    }
}
