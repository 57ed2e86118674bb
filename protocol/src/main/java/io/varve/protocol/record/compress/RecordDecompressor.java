package io.varve.protocol.record.compress;

import com.github.luben.zstd.BufferPool;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Inflates the records section of a compressed batch into a buffer it owns, under a hard limit on the
 * decompressed bytes that the caller passes with each call: the defence against decompression bombs.
 * The buffer grows as bytes arrive (doubling, never past the limit), so a payload that inflates past
 * the limit is refused with {@link DecompressionStatus#TOO_LARGE} having held at most the limit; a
 * malformed one gives {@link DecompressionStatus#CORRUPT}. No input makes it throw.
 *
 * <pre>
 *   if (decompressor.decompress(type, batchBuffer, recordsOffset, recordsBytes, maxBytes).isOk()) {
 *       cursor.wrap(decompressor.buffer(), 0, decompressor.decompressedBytes(), ...);
 *   }
 * </pre>
 *
 * <p>Bounds beyond the output: snappy and lz4 inflate from the caller's bytes with no other memory;
 * gzip holds an {@code Inflater} (a 32 KiB window) and zstd a native decoder whose window zstd itself
 * caps at 128 MiB ({@code ZSTD_WINDOWLOG_LIMIT_DEFAULT}); both are released before the call returns.
 *
 * <p>The buffer is kept for the next call; {@link #trim} gives back a large one. Not thread-safe: one
 * decompressor per thread.
 */
public final class RecordDecompressor {

    private static final int STREAM_BUFFER_BYTES = 8 * 1024;

    private final ByteSink output = new ByteSink();
    private final InputBytes input = new InputBytes();
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private final ZstdInputBufferPool zstdBuffers = new ZstdInputBufferPool();

    /**
     * Inflates {@code source[offset, offset+length)}, compressed with {@code type}, keeping at most
     * {@code maxDecompressedBytes}. {@link CompressionType#NONE} copies the bytes, within the same limit.
     *
     * @return {@link DecompressionStatus#OK} with the bytes in {@link #buffer()}, else why not
     * @throws IllegalArgumentException if the slice leaves {@code source} or the limit is negative
     */
    public DecompressionStatus decompress(CompressionType type, DirectBuffer source, int offset, int length,
                                          int maxDecompressedBytes) {
        if (length < 0) {
            throw new IllegalArgumentException("length " + length);
        }
        input.wrap(source, offset, length);
        output.reset(maxDecompressedBytes);
        byte[] in = input.array();
        int at = input.offset();
        DecompressionStatus status;
        try {
            status = switch (type) {
                case NONE -> copy(in, at, length);
                case GZIP -> readStream(in, at, length, true);
                case SNAPPY -> SnappyFraming.decompress(in, at, length, output);
                case LZ4 -> Lz4Frame.decompress(in, at, length, output);
                case ZSTD -> readStream(in, at, length, false);
            };
        } finally {
            input.trim(Integer.MAX_VALUE); // never hold the caller's array past the call
        }
        view.wrap(output.array(), 0, status.isOk() ? output.length() : 0);
        return status;
    }

    /** The decompressed bytes, from index 0: valid until the next call or {@link #trim}. */
    public DirectBuffer buffer() {
        return view;
    }

    /** Bytes inflated by the last successful call (0 after a failed one). */
    public int decompressedBytes() {
        return view.capacity();
    }

    /** Bytes of the buffer held now: never more than the largest limit passed since the last trim. */
    public int capacityBytes() {
        return output.capacityBytes();
    }

    /** Gives back the buffer and input scratch if either holds more than {@code retainBytes}. */
    public void trim(int retainBytes) {
        output.trim(retainBytes);
        input.trim(retainBytes);
        zstdBuffers.trim(retainBytes);
        view.wrap(output.array(), 0, Math.min(view.capacity(), output.capacityBytes()));
    }

    private DecompressionStatus copy(byte[] in, int offset, int length) {
        if (!output.ensureRoom(length)) {
            return DecompressionStatus.TOO_LARGE;
        }
        System.arraycopy(in, offset, output.array(), 0, length);
        output.advance(length);
        return DecompressionStatus.OK;
    }

    private DecompressionStatus readStream(byte[] in, int offset, int length, boolean gzip) {
        try (InputStream stream = gzip
            ? new GZIPInputStream(new ByteArrayInputStream(in, offset, length), STREAM_BUFFER_BYTES)
            : new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(in, offset, length), zstdBuffers)) {
            return output.readFully(stream);
        } catch (IOException | RuntimeException e) {
            // The gzip header is read, and the zstd decoder made, in the constructor: a bad header lands here.
            return DecompressionStatus.CORRUPT;
        }
    }

    /**
     * The zstd stream's input buffer, kept between batches. Without it every batch allocated a fresh
     * {@code ZSTD_DStreamInSize()} (~128 KiB) heap array to inflate a 16 KiB batch: most of the cost of
     * a zstd batch ({@code RecordBatchValidationBenchmark}, docs/benchmarks.md). Holds at most one
     * buffer; single-threaded like its owner.
     */
    private static final class ZstdInputBufferPool implements BufferPool {

        private ByteBuffer kept;

        @Override
        public ByteBuffer get(int capacity) {
            ByteBuffer buffer = kept;
            kept = null;
            if (buffer == null || buffer.capacity() < capacity) {
                return ByteBuffer.allocate(capacity);
            }
            return buffer.clear();
        }

        @Override
        public void release(ByteBuffer buffer) {
            kept = buffer;
        }

        void trim(int retainBytes) {
            if (kept != null && kept.capacity() > retainBytes) {
                kept = null;
            }
        }
    }
}
