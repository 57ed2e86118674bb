package io.varve.raft.log;

import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.storage.AppendResult;
import io.varve.storage.LogSlice;
import io.varve.storage.PartitionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quorum of one voter: the metadata log is a {@link PartitionLog} at
 * {@code <dir>/__cluster_metadata-0}, and a record is committed once it is fsynced there
 * (Write-Ahead Log: fsync before acknowledge). Opening the log recovers it as after a crash, every
 * time: a torn tail is cut, so what {@link #read} returns is exactly the whole batches on disk.
 *
 * <p>Failures: a failed write or fsync fails the quorum for good. The batch may or may not be on the
 * disk, but nothing retries the fsync or pretends it worked; every later append answers
 * {@link AppendOutcome.Status#FAILED} until the node restarts and recovers the log.
 *
 * <p>Not thread-safe: one thread (the controller's) appends and reads.
 */
public final class LocalQuorum implements MetadataQuorum {

    /** The metadata log's topic-partition, as in Kafka. */
    public static final TopicPartition METADATA_PARTITION = new TopicPartition("__cluster_metadata", 0);
    /** The leader epoch stamped on every batch: one voter never changes leader. Raft replaces it. */
    static final int EPOCH = 0;
    /** Bytes read from the log per step of {@link #read}; a larger batch is still read whole. */
    static final int READ_BYTES = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(LocalQuorum.class);

    private final PartitionLog log;
    private final Clock clock;
    private final Consumer<PartitionLog> fsync;
    private final MetadataBatches batches = new MetadataBatches();
    private boolean failed;

    LocalQuorum(PartitionLog log, Clock clock, Consumer<PartitionLog> fsync) {
        this.log = log;
        this.clock = clock;
        this.fsync = fsync;
    }

    /**
     * Opens (creating if needed) the metadata log under {@code dir}, recovering it fully.
     *
     * @param clock timestamps of batches and the log's segment ages
     */
    public static LocalQuorum open(Path dir, LogConfig logConfig, Clock clock) throws IOException {
        PartitionLog log = PartitionLog.open(dir.resolve(METADATA_PARTITION.directoryName()), METADATA_PARTITION,
            logConfig, clock, 0, 0, false);
        return new LocalQuorum(log, clock, PartitionLog::flush);
    }

    /** Appends one batch and fsyncs it before returning {@link AppendOutcome.Status#COMMITTED}. */
    @Override
    public AppendOutcome append(List<MetadataRecord> records) {
        if (failed) {
            return AppendOutcome.notCommitted(AppendOutcome.Status.FAILED, "the metadata log failed earlier");
        }
        DirectBuffer batch = batches.encode(records, clock.wallClockMs());
        if (batch.capacity() > log.config().maxMessageBytes()) {
            return AppendOutcome.notCommitted(AppendOutcome.Status.TOO_LARGE, "a batch of " + batch.capacity()
                + " bytes is larger than the metadata log's limit of " + log.config().maxMessageBytes());
        }
        AppendResult result = log.append(batch, 0, batch.capacity(), EPOCH);
        if (result.error() == AppendResult.AppendError.RECORD_TOO_LARGE) {
            return AppendOutcome.notCommitted(AppendOutcome.Status.TOO_LARGE, "batch too large for the metadata log");
        }
        if (!result.isOk()) {
            return fail("append: " + result.error() + " " + result.batchStatus(), null);
        }
        try {
            fsync.accept(log);
        } catch (UncheckedIOException e) {
            return fail("fsync: " + e.getMessage(), e);
        }
        return AppendOutcome.committed(result.firstOffset(), result.lastOffset());
    }

    private AppendOutcome fail(String why, Exception cause) {
        failed = true;
        LOG.error("metadata log failed ({}); the quorum accepts nothing more until the node restarts", why, cause);
        return AppendOutcome.notCommitted(AppendOutcome.Status.FAILED, "the metadata log failed: " + why);
    }

    @Override
    public long read(long fromOffset, RecordVisitor visitor) {
        long offset = Math.max(fromOffset, log.logStartOffset());
        long end = log.logEndOffset();
        while (offset < end) {
            try (LogSlice slice = log.read(offset, READ_BYTES)) {
                if (slice.status() != LogSlice.Status.OK || slice.isEmpty()) {
                    throw new IllegalStateException("metadata log read at " + offset + " below its end " + end
                        + " found nothing: " + slice);
                }
                offset = batches.decode(slice.buffer(), slice.sizeInBytes(), offset, visitor);
            }
        }
        return offset;
    }

    @Override
    public long endOffset() {
        return log.logEndOffset();
    }

    @Override
    public boolean isFailed() {
        return failed;
    }

    /** Flushes (when not failed) and closes the log; later appends fail. */
    @Override
    public void close() {
        if (!failed) {
            try {
                log.flush();
            } catch (UncheckedIOException e) {
                LOG.error("metadata log flush on close failed", e);
            }
        }
        failed = true;
        log.close();
    }
}
