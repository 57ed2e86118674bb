package io.varve.storage.producer;

import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.storage.checkpoint.AtomicFiles;
import io.varve.storage.index.LogFileNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idempotent-producer state of one partition (Idempotent Receiver): per producer id, its epoch
 * and its last {@value ProducerState#MAX_BATCHES} batches. It always describes the log up to its
 * end: the log feeds it every batch it writes ({@link #onBatchAppended}), and rebuilds it after a
 * truncation or a restart from a snapshot file plus the batches after it.
 *
 * <p><b>Leader checks</b> ({@link #checkLeaderAppend}), for each batch with a producer id ({@code
 * producerId >= 0}), against the producer's state as left by the batches before it in the same
 * append (all or nothing: one refusal refuses the append):
 * <ol>
 *   <li>Same epoch, same first and last sequence as one of the last five batches: a retry. If every
 *       producer batch of the append is such a retry (and there is no other batch), the append is a
 *       {@code DUPLICATE}: nothing is written and the answer carries the offsets the originals got
 *       (first of the first, last of the last), so the broker answers success, as Kafka does. An
 *       append that mixes retries with new batches is refused {@code OUT_OF_ORDER_SEQUENCE}: no Kafka
 *       client sends one (a produce request carries one batch per partition), and either answer
 *       would be a lie about part of it.</li>
 *   <li>An epoch older than the producer's: {@code INVALID_PRODUCER_EPOCH} (a fenced zombie).</li>
 *   <li>A newer epoch must start at sequence 0, else {@code OUT_OF_ORDER_SEQUENCE}.</li>
 *   <li>The same epoch must continue at last sequence + 1 (wrapping from {@link Integer#MAX_VALUE}
 *       to 0), else {@code OUT_OF_ORDER_SEQUENCE}. A retry of a batch older than the last five
 *       lands here too, as in Kafka: the broker can no longer give its offsets, and the client's
 *       documented reaction to OUT_OF_ORDER_SEQUENCE (possible loss or reordering) is the honest
 *       one.</li>
 *   <li>An unknown producer id (new, expired, or whose batches are gone) must start at sequence 0,
 *       else {@code OUT_OF_ORDER_SEQUENCE}. Kafka's finer UNKNOWN_PRODUCER_ID answer (a producer whose
 *       state left with the log start) is not implemented.</li>
 *   <li>A producer batch with a negative base sequence is {@code OUT_OF_ORDER_SEQUENCE}.</li>
 * </ol>
 * Followers and replays ({@link #onBatchAppended}) check nothing: the leader did.
 *
 * <p><b>Expiry</b>: {@link #removeExpired(long)} forgets producers whose last batch's largest
 * timestamp is {@code producer.id.expiration.ms} or more before now. Using the batch timestamp (as
 * Kafka does) keeps a rebuilt state equal to the state it replaces; a producer whose clock lags
 * expires early.
 *
 * <p><b>Snapshots</b> ({@link ProducerSnapshotFile}, {@code <offset>.snapshot}): the state after
 * every batch below {@code offset}. Written on roll and at clean close; deleted when above the log
 * end (truncation, a crash that lost the tail) or below the log start, where a fresh one is written
 * first at the log end so that a restart never loses the state of producers whose batches retention
 * removed. A corrupt snapshot is deleted and an older one (or the log) used instead.
 *
 * <p>Not thread-safe: the partition log calls it under its lock.
 */
public final class ProducerStateManager {

    private static final Logger LOG = LoggerFactory.getLogger(ProducerStateManager.class);
    private static final long NO_PENDING = Long.MIN_VALUE;

    private final Path dir;
    private final long producerIdExpirationMs;
    private final Long2ObjectHashMap<ProducerState> producers = new Long2ObjectHashMap<>();
    /** Within one leader check: producer id to (epoch, last sequence) after the batches seen so far. */
    private final Long2LongHashMap pending = new Long2LongHashMap(NO_PENDING);
    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();

    /**
     * @param dir                    the partition directory, where the snapshot files live
     * @param producerIdExpirationMs {@code producer.id.expiration.ms}
     */
    public ProducerStateManager(Path dir, long producerIdExpirationMs) {
        if (producerIdExpirationMs <= 0) {
            throw new IllegalArgumentException("producer.id.expiration.ms must be positive: " + producerIdExpirationMs);
        }
        this.dir = dir;
        this.producerIdExpirationMs = producerIdExpirationMs;
    }

    // ---------------------------------------------------------------------------------------------
    // Appends
    // ---------------------------------------------------------------------------------------------

    /**
     * Checks the (already validated) batches of a leader append in {@code records[offset,
     * offset+length)} against the rules above. Changes nothing; allocates nothing unless it finds a
     * duplicate.
     */
    public AppendCheck checkLeaderAppend(DirectBuffer records, int offset, int length) {
        pending.clear();
        int fresh = 0;
        int duplicates = 0;
        long duplicateFirst = -1;
        long duplicateLast = -1;
        for (int position = offset; position < offset + length; position += batch.sizeInBytes()) {
            batch.wrap(records, position);
            long producerId = batch.producerId();
            if (producerId < 0) {
                fresh++;
                continue;
            }
            int firstSequence = batch.baseSequence();
            if (firstSequence < 0) {
                return AppendCheck.OUT_OF_ORDER;
            }
            int lastSequence = BatchMetadata.addSequence(firstSequence, batch.lastOffsetDelta());
            short epoch = batch.producerEpoch();
            long seen = pending.get(producerId);
            ProducerState state = producers.get(producerId);
            if (seen == NO_PENDING && state != null && state.epoch() == epoch) {
                BatchMetadata original = state.findBatch(firstSequence, lastSequence);
                if (original != null) {
                    duplicates++;
                    duplicateFirst = duplicateFirst < 0 ? original.firstOffset() : duplicateFirst;
                    duplicateLast = original.lastOffset();
                    continue;
                }
            }
            boolean known = seen != NO_PENDING || state != null;
            short knownEpoch = seen != NO_PENDING ? (short) (seen >> 32) : state == null ? 0 : state.epoch();
            int knownLast = seen != NO_PENDING ? (int) seen : state == null ? 0 : state.lastSequence();
            AppendCheck refused = checkSequence(known, knownEpoch, knownLast, epoch, firstSequence);
            if (refused != null) {
                return refused;
            }
            pending.put(producerId, ((long) epoch << 32) | (lastSequence & 0xFFFF_FFFFL));
            fresh++;
        }
        if (duplicates == 0) {
            return AppendCheck.ACCEPTED;
        }
        return fresh == 0 ? AppendCheck.duplicate(duplicateFirst, duplicateLast) : AppendCheck.OUT_OF_ORDER;
    }

    /** Null when a batch of {@code epoch} starting at {@code firstSequence} may follow, else the refusal. */
    private static AppendCheck checkSequence(boolean known, short knownEpoch, int knownLast, short epoch, int firstSequence) {
        if (!known) {
            return firstSequence == 0 ? null : AppendCheck.OUT_OF_ORDER;
        }
        if (epoch < knownEpoch) {
            return AppendCheck.FENCED;
        }
        if (epoch > knownEpoch) {
            return firstSequence == 0 ? null : AppendCheck.OUT_OF_ORDER;
        }
        return BatchMetadata.follows(knownLast, firstSequence) ? null : AppendCheck.OUT_OF_ORDER;
    }

    /**
     * Records a batch the log wrote (leader, follower or replay): no checks. Batches without a
     * producer id, with a negative sequence, or control batches change nothing.
     *
     * @param written    the batch, wrapped by the caller's flyweight
     * @param baseOffset its first offset in the log (a leader's source bytes do not carry it yet)
     */
    public void onBatchAppended(RecordBatchFlyweight written, long baseOffset) {
        long producerId = written.producerId();
        if (producerId < 0 || written.baseSequence() < 0 || written.isControlBatch()) {
            return;
        }
        BatchMetadata metadata = new BatchMetadata(written.baseSequence(),
            BatchMetadata.addSequence(written.baseSequence(), written.lastOffsetDelta()), baseOffset,
            baseOffset + written.lastOffsetDelta(), written.maxTimestamp());
        ProducerState state = producers.get(producerId);
        short epoch = written.producerEpoch();
        producers.put(producerId, state == null ? ProducerState.first(producerId, epoch, metadata)
            : state.withBatch(epoch, metadata));
    }

    /**
     * Forgets every producer whose last batch's largest timestamp is {@code producer.id.expiration.ms}
     * or more before {@code nowMs} (wall clock). The broker calls it periodically through the log.
     *
     * @return the number of producers forgotten
     */
    public int removeExpired(long nowMs) {
        int before = producers.size();
        producers.values().removeIf(state -> nowMs - state.lastTimestampMs() >= producerIdExpirationMs);
        return before - producers.size();
    }

    /** Forgets every producer (the log was emptied, or is about to be rebuilt). */
    public void clear() {
        producers.clear();
    }

    // ---------------------------------------------------------------------------------------------
    // State
    // ---------------------------------------------------------------------------------------------

    public Optional<ProducerState> producer(long producerId) {
        return Optional.ofNullable(producers.get(producerId));
    }

    /** Every producer's state, by increasing id: an immutable copy. */
    public Map<Long, ProducerState> producers() {
        return Collections.unmodifiableMap(new TreeMap<>(producers));
    }

    public int producerCount() {
        return producers.size();
    }

    // ---------------------------------------------------------------------------------------------
    // Snapshots
    // ---------------------------------------------------------------------------------------------

    /**
     * Writes the current state as the snapshot at {@code logEndOffset} (the state must describe the
     * log up to there), atomically and durably. A state too large for a snapshot file is not written:
     * a restart then rebuilds it from an older snapshot and the log.
     */
    public void takeSnapshot(long logEndOffset) throws IOException {
        List<ProducerState> sorted = new ArrayList<>(producers().values());
        long bytes = ProducerSnapshotFile.sizeInBytes(sorted);
        if (bytes > ProducerSnapshotFile.MAX_FILE_BYTES) {
            LOG.warn("{}: {} producers need {} bytes, over the snapshot limit; no snapshot at {}", dir,
                sorted.size(), bytes, logEndOffset);
            return;
        }
        ProducerSnapshotFile.write(dir, logEndOffset, sorted);
    }

    /**
     * Replaces the state with the newest valid snapshot at or below {@code logEndOffset}: snapshots
     * above it are deleted (their batches are gone), corrupt ones are deleted and skipped. The caller
     * then replays the batches from the returned offset.
     *
     * @return the loaded snapshot's offset, or -1 when there is none (the state is empty: replay the
     *         whole log)
     */
    public long loadSnapshot(long logEndOffset) throws IOException {
        producers.clear();
        List<Long> offsets = snapshotOffsets();
        for (int i = offsets.size() - 1; i >= 0; i--) {
            long offset = offsets.get(i);
            Path file = ProducerSnapshotFile.path(dir, offset);
            if (offset > logEndOffset) {
                AtomicFiles.deleteDurably(file);
                continue;
            }
            ProducerSnapshotFile.Read read = ProducerSnapshotFile.read(file);
            if (!read.isValid()) {
                LOG.warn("{}: deleting corrupt producer snapshot {}: {}", dir, file.getFileName(), read.problem());
                AtomicFiles.deleteDurably(file);
                continue;
            }
            for (ProducerState state : read.producers()) {
                producers.put(state.producerId(), state);
            }
            return offset;
        }
        return -1;
    }

    /** Deletes the snapshots above {@code offset}: they describe batches a truncation removes. */
    public void deleteSnapshotsAbove(long offset) throws IOException {
        for (long snapshot : snapshotOffsets()) {
            if (snapshot > offset) {
                AtomicFiles.deleteDurably(ProducerSnapshotFile.path(dir, snapshot));
            }
        }
    }

    /**
     * Deletes the snapshots below the log start. If no snapshot would be left in {@code [logStartOffset,
     * logEndOffset]} and some producer is known, first writes one at the log end: a restart must not
     * lose producers whose batches the log no longer holds.
     */
    public void retainSnapshots(long logStartOffset, long logEndOffset) throws IOException {
        List<Long> offsets = snapshotOffsets();
        boolean covered = offsets.stream().anyMatch(o -> o >= logStartOffset && o <= logEndOffset);
        if (!covered && !producers.isEmpty()) {
            takeSnapshot(logEndOffset);
        }
        for (long snapshot : offsets) {
            if (snapshot < logStartOffset) {
                AtomicFiles.deleteDurably(ProducerSnapshotFile.path(dir, snapshot));
            }
        }
    }

    /** Offsets of the snapshot files in the directory, increasing. */
    public List<Long> snapshotOffsets() throws IOException {
        List<Long> offsets = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                if (ProducerSnapshotFile.isSnapshotFile(file)) {
                    offsets.add(LogFileNames.parseBaseOffset(file));
                }
            }
        }
        Collections.sort(offsets);
        return offsets;
    }

    /** The path of the snapshot at {@code offset} (tests and tools). */
    public Path snapshotFile(long offset) {
        return ProducerSnapshotFile.path(dir, offset);
    }

    @Override
    public String toString() {
        return "ProducerStateManager{" + dir.getFileName() + ", producers=" + producers.size() + '}';
    }
}
