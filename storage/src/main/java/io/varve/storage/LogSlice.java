package io.varve.storage;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The result of {@link PartitionLog#read(long, int)}: whole record batches as a slice of a segment's
 * mapped memory, with no copy onto the heap. While the slice is held, its segment cannot be unmapped
 * or deleted; {@link #close()} gives it back and must be called exactly once (a network layer calls
 * it when the bytes have been written to the socket).
 *
 * <p>Not thread-safe: one owner at a time, who may hand it to another thread.
 */
public final class LogSlice implements AutoCloseable {

    /** What a read found. */
    public enum Status { OK, OFFSET_OUT_OF_RANGE }

    private static final UnsafeBuffer NO_BYTES = new UnsafeBuffer(new byte[0]);

    private final Status status;
    private final LogSegment segment;
    private final UnsafeBuffer bytes;
    private final long firstOffset;
    private final long logStartOffset;
    private final long logEndOffset;
    private boolean closed;

    private LogSlice(Status status, LogSegment segment, UnsafeBuffer bytes, long firstOffset,
                     long logStartOffset, long logEndOffset) {
        this.status = status;
        this.segment = segment;
        this.bytes = bytes;
        this.firstOffset = firstOffset;
        this.logStartOffset = logStartOffset;
        this.logEndOffset = logEndOffset;
    }

    static LogSlice of(LogSegment retained, UnsafeBuffer bytes, long firstOffset, long logStartOffset, long logEndOffset) {
        return new LogSlice(Status.OK, retained, bytes, firstOffset, logStartOffset, logEndOffset);
    }

    static LogSlice empty(long offset, long logStartOffset, long logEndOffset) {
        return new LogSlice(Status.OK, null, NO_BYTES, offset, logStartOffset, logEndOffset);
    }

    static LogSlice outOfRange(long offset, long logStartOffset, long logEndOffset) {
        return new LogSlice(Status.OFFSET_OUT_OF_RANGE, null, NO_BYTES, offset, logStartOffset, logEndOffset);
    }

    public Status status() {
        return status;
    }

    /** The batches, in place: {@code [0, sizeInBytes())}. Valid until {@link #close()}. */
    public DirectBuffer buffer() {
        return bytes;
    }

    /** The address of the first byte, for wrapping as a network buffer without a copy. */
    public long address() {
        return bytes.addressOffset();
    }

    public int sizeInBytes() {
        return bytes.capacity();
    }

    public boolean isEmpty() {
        return sizeInBytes() == 0;
    }

    /** The offset that was asked for; the first batch may start before it (it contains it). */
    public long requestedOffset() {
        return firstOffset;
    }

    /** The log start offset when the read happened. */
    public long logStartOffset() {
        return logStartOffset;
    }

    /** The log end offset when the read happened. */
    public long logEndOffset() {
        return logEndOffset;
    }

    /** Releases the segment this slice pins. Idempotent for the owner's convenience. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (segment != null) {
                segment.release();
            }
        }
    }

    @Override
    public String toString() {
        return "LogSlice{" + status + ", offset=" + firstOffset + ", bytes=" + sizeInBytes()
            + ", logStart=" + logStartOffset + ", logEnd=" + logEndOffset + '}';
    }
}
