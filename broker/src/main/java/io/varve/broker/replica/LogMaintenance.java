package io.varve.broker.replica;

import io.varve.config.StorageConfig;
import io.varve.storage.LogManager;
import io.varve.storage.PartitionLog;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's periodic log housekeeping, off the request path: retention every
 * {@code log.retention.check.interval.ms}, policy flushes every {@code log.flush.scheduler.interval.ms},
 * recovery-point checkpoints every {@code log.flush.offset.checkpoint.interval.ms}, idle producer ids
 * expired every ten minutes. One daemon
 * thread; a failing task is logged and runs again at its next turn. Thread-safe.
 */
public final class LogMaintenance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogMaintenance.class);

    /** How often idle producer ids are expired (Kafka's producer.id.expiration.check.interval.ms default). */
    private static final long PRODUCER_EXPIRATION_CHECK_INTERVAL_MS = 600_000L;

    private final ScheduledExecutorService scheduler;

    public LogMaintenance(LogManager logs, StorageConfig config) {
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
        scheduler.awaitTermination(30, TimeUnit.SECONDS);
    }
}
