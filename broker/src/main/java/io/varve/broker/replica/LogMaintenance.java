package io.varve.broker.replica;

import io.varve.common.Clock;
import io.varve.config.StorageConfig;
import io.varve.storage.LogCleaner;
import io.varve.storage.LogManager;
import io.varve.storage.PartitionLog;
import io.varve.storage.cleaner.Throttler;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's periodic log housekeeping, off the request path: retention every
 * {@code log.retention.check.interval.ms}, policy flushes every {@code log.flush.scheduler.interval.ms},
 * recovery-point checkpoints every {@code log.flush.offset.checkpoint.interval.ms}, idle producer ids
 * expired every ten minutes, on one daemon thread; and, with {@code log.cleaner.enable}, log compaction on
 * {@code log.cleaner.threads} more daemon threads, each with its own {@link LogCleaner} (its share of
 * {@code log.cleaner.dedupe.buffer.size}, its own {@code log.cleaner.io.max.bytes.per.second}): a cleaner
 * thread cleans the dirtiest compacted log, then the next, and waits {@code log.cleaner.backoff.ms} once
 * none needs it. A failing task is logged and runs again at its next turn. Thread-safe.
 */
public final class LogMaintenance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogMaintenance.class);

    /** How often idle producer ids are expired (Kafka's producer.id.expiration.check.interval.ms default). */
    private static final long PRODUCER_EXPIRATION_CHECK_INTERVAL_MS = 600_000L;

    /** Logs one cleaner thread cleans in a turn before it lets the executor breathe. */
    private static final int CLEANS_PER_TURN = 64;

    private final ScheduledExecutorService scheduler;
    private final ScheduledExecutorService cleaners;

    public LogMaintenance(LogManager logs, StorageConfig config) {
        this(logs, config, Clock.system());
    }

    public LogMaintenance(LogManager logs, StorageConfig config, Clock clock) {
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "varve-log-maintenance");
            t.setDaemon(true);
            return t;
        });
        every(config.retentionCheckIntervalMs(), "retention", () -> {
            int deleted = logs.runRetention();
            if (deleted > 0) {
                LOG.info("Retention deleted {} segment(s)", deleted);
            }
        });
        every(config.flushSchedulerIntervalMs(), "flush", logs::flushDirtyLogs);
        every(PRODUCER_EXPIRATION_CHECK_INTERVAL_MS, "producer-expiry",
            () -> logs.allLogs().forEach(PartitionLog::removeExpiredProducers));
        every(config.flushOffsetCheckpointIntervalMs(), "checkpoint", () -> {
            try {
                logs.checkpointRecoveryPointsAndLogStartOffsets();
            } catch (IOException e) {
                LOG.error("Writing recovery-point checkpoints failed; the next turn retries", e);
            }
        });
        this.cleaners = config.cleanerEnable() ? startCleaners(logs, config, clock) : null;
    }

    private static ScheduledExecutorService startCleaners(LogManager logs, StorageConfig config, Clock clock) {
        int threads = config.cleanerThreads();
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, "varve-log-cleaner");
            t.setDaemon(true);
            return t;
        });
        long dedupeBytesPerThread = Math.max(StorageConfig.MIN_CLEANER_DEDUPE_BUFFER_SIZE / 2,
            config.cleanerDedupeBufferSize() / threads);
        for (int i = 0; i < threads; i++) {
            LogCleaner cleaner = new LogCleaner(dedupeBytesPerThread, clock,
                new Throttler(config.cleanerIoMaxBytesPerSecond(), clock, Thread::sleep));
            executor.scheduleWithFixedDelay(() -> cleanUntilIdle(cleaner, logs), config.cleanerBackoffMs(),
                config.cleanerBackoffMs(), TimeUnit.MILLISECONDS);
        }
        return executor;
    }

    private static void cleanUntilIdle(LogCleaner cleaner, LogManager logs) {
        try {
            for (int i = 0; i < CLEANS_PER_TURN; i++) {
                Optional<LogCleaner.Stats> stats = cleaner.cleanDirtiest(logs.allLogs());
                if (stats.isEmpty()) {
                    return;
                }
                LOG.info("Log cleaner: {}", stats.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down
        } catch (IOException | RuntimeException e) {
            LOG.error("Log cleaning failed; the cleaner tries again after log.cleaner.backoff.ms", e);
        }
    }

    private void every(long intervalMs, String name, Runnable task) {
        if (intervalMs >= Long.MAX_VALUE / 2) {
            return; // "never", as the flush scheduler's default says
        }
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Log maintenance task {} failed; it runs again in {} ms", name, intervalMs, e);
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        scheduler.shutdownNow();
        if (cleaners != null) {
            cleaners.shutdownNow();
            cleaners.awaitTermination(30, TimeUnit.SECONDS);
        }
        scheduler.awaitTermination(30, TimeUnit.SECONDS);
    }
}
