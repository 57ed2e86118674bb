package io.varve.storage.cleaner;

import static io.varve.protocol.record.RecordBatchFlyweight.ATTRIBUTES_OFFSET;
import static io.varve.protocol.record.RecordBatchFlyweight.BASE_TIMESTAMP_OFFSET;
import static io.varve.protocol.record.RecordBatchFlyweight.COMPRESSION_MASK;
import static io.varve.protocol.record.RecordBatchFlyweight.CRC_OFFSET;
import static io.varve.protocol.record.RecordBatchFlyweight.DELETE_HORIZON_MASK;
import static io.varve.protocol.record.RecordBatchFlyweight.HEADER_SIZE;
import static io.varve.protocol.record.RecordBatchFlyweight.LENGTH_OFFSET;
import static io.varve.protocol.record.RecordBatchFlyweight.LOG_OVERHEAD;
import static io.varve.protocol.record.RecordBatchFlyweight.RECORDS_COUNT_OFFSET;

import io.varve.protocol.record.BatchStatus;
import io.varve.protocol.record.Crc32c;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.protocol.record.RecordBatchReader;
import io.varve.protocol.record.RecordCursor;
import io.varve.protocol.record.Varint;
import io.varve.protocol.record.compress.CompressionType;
import io.varve.protocol.record.compress.RecordCompressor;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Rewrites one stored batch of a compacted log, keeping only the records compaction retains:
 * <ul>
 *   <li>a record whose key the {@link OffsetMap} maps to a later offset is dropped (a newer value exists);</li>
 *   <li>a record at or after the map's end offset is kept (the map has not seen that part of the log);</li>
 *   <li>a record without a key is dropped (a compacted log refuses them at append; older ones go);</li>
 *   <li>a tombstone (null value) is kept until the batch's delete horizon has passed, then dropped. The
 *       first cleaning that keeps a tombstone stamps the horizon, now + {@code delete.retention.ms}, in the
 *       batch as Kafka does (KIP-534): attribute bit 6 set and {@code baseTimestamp} = horizon, every
 *       record's timestamp delta re-encoded against it so record timestamps do not change.</li>
 * </ul>
 * The batch keeps its header: base offset, last offset delta (so survivors keep their offsets and a
 * batch its offset range, gaps inside allowed), leader epoch, producer id, epoch and base sequence (so
 * the idempotent-producer state rebuilt from the log is unchanged), timestamps, codec. Surviving
 * records are copied byte for byte and, in a compressed batch, compressed again with the same codec.
 * A batch that loses every record disappears unless the caller asks to retain it: it then stays as an
 * empty, uncompressed batch with the same header (a producer's last batch; a segment's last batch,
 * which fixes where the segment ends). A batch that loses nothing and needs no horizon is copied as is.
 *
 * <p>Not thread-safe: one per cleaner thread; the output is valid until the next {@link #clean}.
 */
public final class BatchCleaner {

    /** What became of a batch. */
    public enum Outcome {
        /** Every record kept and nothing to stamp: the output is the input's bytes. */
        UNCHANGED,
        /** Some records dropped, or a delete horizon stamped: the output is a new batch. */
        REWRITTEN,
        /** Every record dropped and the batch not retained: no output. */
        DROPPED,
        /** The records could not be read (corrupt or inflating past the limit): the caller keeps the batch as is. */
        UNREADABLE
    }

    private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;
    private static final int INITIAL_RECORDS = 64;

    private final int maxDecompressedBytes;
    private final RecordBatchReader reader = new RecordBatchReader();
    private final RecordCompressor compressor = new RecordCompressor();
    private final ExpandableArrayBuffer records = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer output = new ExpandableArrayBuffer(4096);
    private int[] keptOffsets = new int[INITIAL_RECORDS];
    private int[] keptSizes = new int[INITIAL_RECORDS];
    private long[] keptTimestampDeltas = new long[INITIAL_RECORDS];
    private int outputLength;
    private int recordsRemoved;
    private long tombstoneHorizonMs;

    /** @param maxDecompressedBytes the most a compressed batch's records may inflate to (the append limit) */
    public BatchCleaner(int maxDecompressedBytes) {
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    /**
     * Cleans the batch {@code batch} wraps, whose header and CRC were valid when it was stored.
     *
     * @param map               the latest offset of each key in the dirty section
     * @param mapEndOffset      records at or after this offset were not mapped and are kept
     * @param nowMs             wall-clock time, against which delete horizons are judged
     * @param deleteRetentionMs {@code delete.retention.ms}: how long a tombstone stays once kept
     * @param retainEmpty       keep the batch header even if no record survives
     */
    public Outcome clean(RecordBatchFlyweight batch, OffsetMap map, long mapEndOffset, long nowMs, long deleteRetentionMs,
                         boolean retainEmpty) {
        outputLength = 0;
        recordsRemoved = 0;
        tombstoneHorizonMs = Long.MAX_VALUE;
        BatchStatus opened = reader.open(batch, maxDecompressedBytes);
        if (!opened.isOk() || batch.isControlBatch()) {
            return opened.isOk() ? keepAsIs(batch) : Outcome.UNREADABLE;
        }
        RecordCursor cursor = reader.cursor();
        boolean horizonPassed = batch.hasDeleteHorizon() && batch.deleteHorizonMs() <= nowMs;
        int kept = 0;
        boolean keptTombstone = false;
        while (cursor.next()) {
            boolean tombstone = cursor.valueLength() < 0;
            boolean keep = cursor.keyLength() >= 0
                && (cursor.offset() >= mapEndOffset
                    || map.get(cursor.buffer(), cursor.keyOffset(), cursor.keyLength()) <= cursor.offset())
                && !(tombstone && horizonPassed);
            if (!keep) {
                recordsRemoved++;
                continue;
            }
            keptTombstone |= tombstone;
            remember(kept++, cursor);
        }
        if (!cursor.status().isOk()) {
            reader.trim(RecordBatchFlyweight.RETAINED_DECOMPRESSION_BYTES);
            return Outcome.UNREADABLE;
        }
        boolean stampHorizon = keptTombstone && !batch.hasDeleteHorizon();
        if (keptTombstone) {
            tombstoneHorizonMs = stampHorizon ? saturatedAdd(nowMs, deleteRetentionMs) : batch.deleteHorizonMs();
        }
        Outcome outcome;
        if (recordsRemoved == 0 && !stampHorizon) {
            outcome = keepAsIs(batch);
        } else if (kept == 0 && !retainEmpty) {
            outcome = Outcome.DROPPED;
        } else {
            rewrite(batch, cursor.buffer(), kept, stampHorizon ? tombstoneHorizonMs : Long.MIN_VALUE);
            outcome = Outcome.REWRITTEN;
        }
        reader.trim(RecordBatchFlyweight.RETAINED_DECOMPRESSION_BYTES);
        return outcome;
    }

    /** The batch to write, valid until the next {@link #clean}. */
    public DirectBuffer output() {
        return output;
    }

    public int outputLength() {
        return outputLength;
    }

    /** Records the last {@link #clean} dropped. */
    public int recordsRemoved() {
        return recordsRemoved;
    }

    /** When the tombstones the last {@link #clean} kept may go, or {@link Long#MAX_VALUE} if it kept none. */
    public long tombstoneHorizonMs() {
        return tombstoneHorizonMs;
    }

    private Outcome keepAsIs(RecordBatchFlyweight batch) {
        int size = batch.sizeInBytes();
        output.putBytes(0, batch.buffer(), batch.offset(), size);
        outputLength = size;
        return Outcome.UNCHANGED;
    }

    private void remember(int index, RecordCursor cursor) {
        if (index == keptOffsets.length) {
            int grown = keptOffsets.length * 2;
            keptOffsets = Arrays.copyOf(keptOffsets, grown);
            keptSizes = Arrays.copyOf(keptSizes, grown);
            keptTimestampDeltas = Arrays.copyOf(keptTimestampDeltas, grown);
        }
        keptOffsets[index] = cursor.recordOffset();
        keptSizes[index] = cursor.recordSize();
        keptTimestampDeltas[index] = cursor.timestampDelta();
    }

    /**
     * Writes the kept records (their timestamp deltas moved onto {@code newBaseTimestamp} unless it is
     * {@link Long#MIN_VALUE}), compresses them with the batch's codec, and the header with the new
     * count, length, attributes and CRC.
     */
    private void rewrite(RecordBatchFlyweight batch, DirectBuffer source, int kept, long newBaseTimestamp) {
        int recordsLength = 0;
        long oldBase = batch.baseTimestamp();
        for (int i = 0; i < kept; i++) {
            int from = keptOffsets[i];
            int size = keptSizes[i];
            if (newBaseTimestamp == Long.MIN_VALUE) {
                records.putBytes(recordsLength, source, from, size);
                recordsLength += size;
                continue;
            }
            // <length varint> <attributes byte> <timestampDelta varlong> <rest of the record>
            long lengthRead = Varint.readVarint(source, from, from + size);
            int bodyStart = from + Varint.bytesRead(lengthRead);
            long oldDelta = keptTimestampDeltas[i];
            int restStart = bodyStart + 1 + Varint.sizeOfVarlong(oldDelta);
            int restLength = from + size - restStart;
            long newDelta = oldBase + oldDelta - newBaseTimestamp;
            int body = 1 + Varint.sizeOfVarlong(newDelta) + restLength;
            int p = recordsLength;
            p += Varint.writeVarint(records, p, body);
            records.putByte(p++, source.getByte(bodyStart));
            p += Varint.writeVarlong(records, p, newDelta);
            records.putBytes(p, source, restStart, restLength);
            recordsLength = p + restLength;
        }
        output.putBytes(0, batch.buffer(), batch.offset(), HEADER_SIZE);
        int codec = batch.compression();
        int attributes = batch.attributes();
        if (kept == 0) {
            attributes &= ~COMPRESSION_MASK; // an empty payload is no stream of any codec
        } else if (codec != 0) {
            recordsLength = compressor.compress(CompressionType.forId(codec), records, 0, recordsLength);
            output.checkLimit(HEADER_SIZE + recordsLength);
            compressor.copyOutput(output, HEADER_SIZE);
            compressor.trim(RecordBatchFlyweight.RETAINED_DECOMPRESSION_BYTES);
        }
        if (kept > 0 && codec == 0) {
            output.putBytes(HEADER_SIZE, records, 0, recordsLength);
        }
        if (newBaseTimestamp != Long.MIN_VALUE) {
            attributes |= DELETE_HORIZON_MASK;
            output.putLong(BASE_TIMESTAMP_OFFSET, newBaseTimestamp, ORDER);
        }
        int size = HEADER_SIZE + recordsLength;
        output.putInt(LENGTH_OFFSET, size - LOG_OVERHEAD, ORDER);
        output.putShort(ATTRIBUTES_OFFSET, (short) attributes, ORDER);
        output.putInt(RECORDS_COUNT_OFFSET, kept, ORDER);
        output.putInt(CRC_OFFSET, Crc32c.compute(output, ATTRIBUTES_OFFSET, size - ATTRIBUTES_OFFSET), ORDER);
        outputLength = size;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
