package io.varve.raft.log;

import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.protocol.record.RecordBatchBuilder;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.protocol.record.RecordCursor;
import io.varve.raft.core.RaftEntry;
import io.varve.raft.core.RaftLogView;
import io.varve.raft.core.SnapshotMeta;
import io.varve.raft.metadata.CorruptMetadataException;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.storage.AppendResult;
import io.varve.storage.LogSlice;
import io.varve.storage.PartitionLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The Raft log of the metadata quorum in an ordinary {@link PartitionLog} ({@code __cluster_metadata-0}):
 * Raft entry {@code i} is the {@code i}-th record batch, its term the batch's partition leader epoch,
 * its data the batch bytes. A leader's no-op is a batch of one record with null key and value, read
 * back as empty data. So metadata offsets are the log's record offsets, and the storage engine's CRC
 * checks and crash recovery cover the Raft log.
 *
 * <p>The index of entries (each one's base offset and term) is kept in memory and rebuilt at open by
 * walking the batches; the metadata log is small.
 *
 * <p>Snapshots (Low-Water Mark): {@link #takeSnapshot} writes a {@link MetadataSnapshotFiles} file of the
 * applied image at a committed index, then moves the log start past that entry, deleting whole
 * segments below it; {@link #installSnapshot} (a follower behind the leader's log start) writes the
 * received snapshot, then empties the log and restarts it where the snapshot ends. At open the newest
 * snapshot is loaded and the log is read after it; a log that starts past the snapshot's end (an
 * install that crashed after emptying the log) is emptied again, and the leader sends the rest.
 * Entry {@code i} is then at position {@code i - firstIndex()} of the in-memory index.
 *
 * <p>Not thread-safe for writes: the Raft driver's thread appends, truncates and reads entries.
 * {@link #readCommitted} may run on another thread for offsets below the commit point, which are
 * never truncated (the {@link PartitionLog} itself is thread-safe).
 */
public final class MetadataRaftLog implements RaftLogView, AutoCloseable {

    private static final TopicPartition PARTITION = LocalQuorum.METADATA_PARTITION;

    private final PartitionLog log;
    private final Clock clock;
    private final MetadataSnapshotFiles snapshots;
    /** The newest snapshot, its image and end offset, or null; published at once to readers on other threads. */
    private volatile Current latest;
    private SnapshotMeta snapshotMeta = SnapshotMeta.EMPTY;
    private long snapshotEndOffset;
    private final MetadataBatches batches = new MetadataBatches();
    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final RecordCursor cursor = new RecordCursor();
    /** Base offset of entry i at position i - firstIndex(). */
    private LongArrayList baseOffsets = new LongArrayList();
    /** Term of entry i at position i - firstIndex(). */
    private IntArrayList terms = new IntArrayList();
    /** Whether entry i is a no-op (holds no metadata record), at bit i - firstIndex(). */
    private BitSet noOps = new BitSet();

    private record Current(MetadataSnapshotFiles.Snapshot snapshot, MetadataImage image, long endOffset) {
    }

    private MetadataRaftLog(PartitionLog log, Clock clock, MetadataSnapshotFiles snapshots,
                            MetadataSnapshotFiles.Snapshot latest) {
        this.log = log;
        this.clock = clock;
        this.snapshots = snapshots;
        if (latest != null) {
            useSnapshot(latest);
            long end = latest.endOffset();
            if (log.logStartOffset() > end || log.logEndOffset() < end) {
                log.truncateFullyAndStartAt(end);
            } else {
                log.advanceLogStartOffset(end);
            }
        } else if (log.logStartOffset() > 0) {
            log.truncateFullyAndStartAt(0);
        }
        rebuildIndex();
    }

    /**
     * Opens (creating if needed) and recovers the log under {@code dir}, loads its newest snapshot,
     * then indexes its entries after it.
     */
    public static MetadataRaftLog open(Path dir, LogConfig config, Clock clock) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        MetadataSnapshotFiles snapshots = new MetadataSnapshotFiles(dir);
        MetadataSnapshotFiles.Snapshot latest = snapshots.latest();
        long start = latest == null ? 0 : latest.endOffset();
        PartitionLog log = PartitionLog.open(dir.resolve(PARTITION.directoryName()), PARTITION, config, clock, 0, start, false);
        try {
            return new MetadataRaftLog(log, clock, snapshots, latest);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    private void useSnapshot(MetadataSnapshotFiles.Snapshot snapshot) {
        MetadataImage image = snapshot.image();
        snapshotMeta = snapshot.meta();
        snapshotEndOffset = snapshot.endOffset();
        latest = new Current(snapshot, image, snapshotEndOffset);
    }

    /**
     * Writes a snapshot of {@code image}, the state after every entry up to the committed index
     * {@code meta.lastIndex()}, then drops the log below it (fsynced file first: a crash in between
     * keeps the log, never loses both).
     */
    public void takeSnapshot(SnapshotMeta meta, MetadataImage image) throws IOException {
        if (meta.lastIndex() < firstIndex() || meta.lastIndex() > lastIndex() || termAt(meta.lastIndex()) != meta.lastTerm()) {
            throw new IllegalArgumentException("snapshot " + meta + " outside the log [" + firstIndex() + ", " + lastIndex() + "]");
        }
        long end = endOffsetOf(meta.lastIndex());
        byte[] payload = MetadataSnapshotFiles.payload(end, image);
        snapshots.write(meta, payload);
        int drop = (int) (meta.lastIndex() - snapshotMeta.lastIndex());
        latest = new Current(new MetadataSnapshotFiles.Snapshot(meta, payload), image, end);
        snapshotMeta = meta;
        snapshotEndOffset = end;
        log.advanceLogStartOffset(end);
        baseOffsets = tail(baseOffsets, drop);
        IntArrayList keptTerms = new IntArrayList();
        for (int i = drop; i < terms.size(); i++) {
            keptTerms.addInt(terms.getInt(i));
        }
        terms = keptTerms;
        noOps = noOps.get(drop, Math.max(drop, noOps.length()));
    }

    private static LongArrayList tail(LongArrayList list, int drop) {
        LongArrayList kept = new LongArrayList();
        for (int i = drop; i < list.size(); i++) {
            kept.addLong(list.getLong(i));
        }
        return kept;
    }

    /**
     * Replaces the whole log by a snapshot received from the leader: writes it durably, then empties
     * the log and restarts it at the snapshot's end offset.
     *
     * @throws CorruptMetadataException if the payload does not decode
     */
    public void installSnapshot(SnapshotMeta meta, byte[] payload) throws IOException {
        MetadataSnapshotFiles.Snapshot snapshot = new MetadataSnapshotFiles.Snapshot(meta, payload);
        snapshot.image(); // decodes, or throws before anything is replaced
        // Empty the log first: a crash before the file is durable leaves a log starting past the older
        // snapshot, which open() empties again; never old entries mistaken for the ones after this one.
        log.truncateFullyAndStartAt(snapshot.endOffset());
        log.flush();
        snapshots.write(meta, payload);
        useSnapshot(snapshot);
        baseOffsets = new LongArrayList();
        terms = new IntArrayList();
        noOps = new BitSet();
    }

    /**
     * The newest snapshot's image when the log no longer holds the records from {@code fromOffset}
     * on (they were compacted into it), else null. Safe from any thread.
     */
    public MetadataImage snapshotImageBelow(long fromOffset) {
        Current current = latest;
        return current != null && fromOffset <= current.image().lastAppliedOffset() && fromOffset < log.logStartOffset()
            ? current.image() : null;
    }

    /** The newest snapshot's image, or null when none was taken or installed. */
    public MetadataImage snapshotImage() {
        Current current = latest;
        return current == null ? null : current.image();
    }

    /** The offset of the first record still in the log. */
    public long logStartOffset() {
        return log.logStartOffset();
    }

    private void rebuildIndex() {
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            try (LogSlice slice = log.read(offset, LocalQuorum.READ_BYTES)) {
                if (slice.status() != LogSlice.Status.OK || slice.isEmpty()) {
                    throw new IllegalStateException("metadata log read at " + offset + " found nothing: " + slice);
                }
                int position = 0;
                while (position + RecordBatchFlyweight.LOG_OVERHEAD <= slice.sizeInBytes()) {
                    batch.wrap(slice.buffer(), position);
                    if (position + batch.sizeInBytes() > slice.sizeInBytes()) {
                        break;
                    }
                    baseOffsets.addLong(batch.baseOffset());
                    terms.addInt(batch.partitionLeaderEpoch());
                    noOps.set(terms.size() - 1, isNoOp(batch, cursor));
                    offset = batch.nextOffset();
                    position += batch.sizeInBytes();
                }
            }
        }
    }

    /** The bytes of a proposal of {@code records}: one batch, checked against the log's batch limit. */
    public byte[] encode(List<MetadataRecord> records) {
        UnsafeBuffer b = batches.encode(records, clock.wallClockMs());
        byte[] out = new byte[b.capacity()];
        b.getBytes(0, out);
        return out;
    }

    /** The largest batch the log takes. */
    public int maxBatchBytes() {
        return log.config().maxMessageBytes();
    }

    @Override
    public SnapshotMeta snapshot() {
        return snapshotMeta;
    }

    @Override
    public long firstIndex() {
        return snapshotMeta.lastIndex() + 1;
    }

    @Override
    public long lastIndex() {
        return snapshotMeta.lastIndex() + terms.size();
    }

    private int position(long index) {
        return (int) (index - firstIndex());
    }

    @Override
    public int termAt(long index) {
        if (index == snapshotMeta.lastIndex()) {
            return snapshotMeta.lastTerm();
        }
        checkIndex(index);
        return terms.getInt(position(index));
    }

    @Override
    public List<RaftEntry> entries(long fromIndex, int maxBytes) {
        List<RaftEntry> out = new ArrayList<>();
        long bytes = 0;
        for (long index = fromIndex; index <= lastIndex(); index++) {
            RaftEntry entry = entry(index);
            bytes += entry.sizeInBytes();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(entry);
        }
        return out;
    }

    private RaftEntry entry(long index) {
        checkIndex(index);
        long base = baseOffsets.getLong(position(index));
        try (LogSlice slice = log.read(base, LocalQuorum.READ_BYTES)) {
            if (slice.status() != LogSlice.Status.OK || slice.isEmpty()) {
                throw new IllegalStateException("raft entry " + index + " at offset " + base + " is gone: " + slice);
            }
            batch.wrap(slice.buffer(), 0);
            if (batch.baseOffset() != base || batch.sizeInBytes() > slice.sizeInBytes()) {
                throw new CorruptMetadataException("raft entry " + index + " does not start at offset " + base);
            }
            if (isNoOp(batch, cursor)) {
                return new RaftEntry(index, termAt(index), new byte[0]);
            }
            byte[] data = new byte[batch.sizeInBytes()];
            slice.buffer().getBytes(0, data);
            return new RaftEntry(index, termAt(index), data);
        }
    }

    private void checkIndex(long index) {
        if (index < firstIndex() || index > lastIndex()) {
            throw new IllegalArgumentException("index " + index + " outside [" + firstIndex() + ", " + lastIndex() + "]");
        }
    }

    /** Drops every entry after {@code index}; a no-op at or past the last index. */
    public void truncateAfter(long index) {
        if (index >= lastIndex()) {
            return;
        }
        if (index < snapshotMeta.lastIndex()) {
            throw new IllegalArgumentException("index " + index + " is inside the snapshot at " + snapshotMeta);
        }
        int keep = (int) (index - snapshotMeta.lastIndex());
        long cut = baseOffsets.getLong(keep);
        log.truncateTo(cut);
        while (terms.size() > keep) {
            terms.removeAt(terms.size() - 1);
            baseOffsets.removeAt(baseOffsets.size() - 1);
        }
        if (keep < noOps.length()) {
            noOps.clear(keep, noOps.length());
        }
    }

    /**
     * Appends entries that follow the last index, each as one batch stamped with its term.
     *
     * @throws CorruptMetadataException if an entry's data is not one valid batch
     * @throws java.io.UncheckedIOException if the log failed
     */
    public void append(List<RaftEntry> entries) {
        for (RaftEntry e : entries) {
            if (e.index() != lastIndex() + 1) {
                throw new IllegalStateException("entry " + e.index() + " does not follow " + lastIndex());
            }
            byte[] data = e.data().length == 0 ? noOp() : e.data();
            AppendResult result = log.append(new UnsafeBuffer(data), 0, data.length, e.term());
            if (!result.isOk()) {
                throw new CorruptMetadataException("raft entry " + e.index() + " was refused by the metadata log: "
                    + result.error() + " " + result.batchStatus());
            }
            baseOffsets.addLong(result.firstOffset());
            terms.addInt(e.term());
            noOps.set(terms.size() - 1, e.data().length == 0);
        }
    }

    private byte[] noOp() {
        byte[] buf = new byte[RecordBatchFlyweight.HEADER_SIZE + 32];
        RecordBatchBuilder builder = new RecordBatchBuilder();
        builder.wrap(new UnsafeBuffer(buf), 0, buf.length);
        builder.append(clock.wallClockMs(), null, null);
        int size = builder.build();
        byte[] out = new byte[size];
        System.arraycopy(buf, 0, out, 0, size);
        return out;
    }

    /** Makes everything appended durable (fsync). */
    public void sync() {
        log.flush();
    }

    /** The metadata offset after entry {@code index}'s records (0 for index 0; the snapshot's end for its index). */
    public long endOffsetOf(long index) {
        if (index == snapshotMeta.lastIndex()) {
            return snapshotEndOffset;
        }
        checkIndex(index);
        return index == lastIndex() ? log.logEndOffset() : baseOffsets.getLong(position(index) + 1);
    }

    /**
     * The metadata offset after the last record in entries up to {@code index}, trailing no-ops not
     * counted (0 when there is none): what {@link MetadataQuorum#endOffset()} means, so a reader that
     * applied every record knows it is current.
     */
    public long recordsEndOffsetOf(long index) {
        for (long i = index; i >= firstIndex(); i--) {
            if (!noOps.get(position(i))) {
                return endOffsetOf(i);
            }
        }
        Current current = latest;
        return current == null ? 0 : current.image().lastAppliedOffset() + 1;
    }

    /**
     * Visits the metadata records at or after {@code fromOffset} and below {@code endOffset} (a
     * committed point), skipping no-ops; safe from any thread.
     *
     * @return the offset after the last batch read
     * @throws LogCompactedException if records from {@code fromOffset} on were compacted into a snapshot:
     *         start from {@link #snapshotImageBelow} instead
     */
    public long readCommitted(long fromOffset, long endOffset, MetadataQuorum.RecordVisitor visitor) {
        return readCommitted(fromOffset, endOffset, Long.MAX_VALUE, visitor);
    }

    /**
     * As {@link #readCommitted(long, long, MetadataQuorum.RecordVisitor)}, stopping after the batch
     * that brings the bytes read to {@code maxBytes} or more (at least one batch is read).
     */
    public long readCommitted(long fromOffset, long endOffset, long maxBytes, MetadataQuorum.RecordVisitor visitor) {
        long bytesRead = 0;
        RecordBatchFlyweight b = new RecordBatchFlyweight();
        RecordCursor c = new RecordCursor();
        MetadataBatches decoder = new MetadataBatches();
        long start = log.logStartOffset();
        Current current = latest;
        // Below the log start only no-op entries after the snapshot that made this start may be skipped;
        // anything else (records in a snapshot, or a snapshot being installed) must come from a snapshot image.
        boolean onlyNoOpsSkipped = current != null && current.endOffset() == start
            && fromOffset > current.image().lastAppliedOffset();
        if (fromOffset < start && !onlyNoOpsSkipped) {
            throw new LogCompactedException("metadata offset " + fromOffset + " is below the log start " + start);
        }
        long offset = Math.max(fromOffset, start);
        while (offset < endOffset && bytesRead < maxBytes) {
            try (LogSlice slice = log.read(offset, LocalQuorum.READ_BYTES)) {
                if (slice.status() != LogSlice.Status.OK || slice.isEmpty()) {
                    throw new IllegalStateException("metadata log read at " + offset + " below " + endOffset
                        + " found nothing: " + slice);
                }
                int position = 0;
                while (position + RecordBatchFlyweight.LOG_OVERHEAD <= slice.sizeInBytes() && offset < endOffset
                    && bytesRead < maxBytes) {
                    b.wrap(slice.buffer(), position);
                    int size = b.sizeInBytes();
                    if (position + size > slice.sizeInBytes()) {
                        break;
                    }
                    DirectBuffer one = new UnsafeBuffer(slice.buffer(), position, size);
                    if (!isNoOp(b, c)) {
                        decoder.decode(one, size, fromOffset, visitor);
                    }
                    offset = b.nextOffset();
                    position += size;
                    bytesRead += size;
                }
            }
        }
        return offset;
    }

    private static boolean isNoOp(RecordBatchFlyweight b, RecordCursor c) {
        if (b.recordCount() != 1) {
            return false;
        }
        c.wrap(b);
        return c.next() && c.valueLength() < 0 && c.keyLength() < 0;
    }

    /** Whether the underlying log failed a write or fsync. */
    public boolean isFailed() {
        return log.isFailed();
    }

    @Override
    public byte[] snapshotData() {
        Current current = latest;
        return current == null ? new byte[0] : current.snapshot().payload();
    }

    @Override
    public void close() {
        log.close();
    }
}
