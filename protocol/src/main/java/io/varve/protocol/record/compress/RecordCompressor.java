package io.varve.protocol.record.compress;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Compresses the records section of a batch the way a Kafka producer does, at Kafka's default levels
 * (gzip: zlib's default, lz4: the fast compressor, zstd: 3), into an output it owns and reuses. Gzip,
 * snappy and lz4 output is byte for byte what Kafka's producer writes for the same records; zstd is
 * compressed in one call where Kafka streams, so its frame differs in layout, not in content. Framing per codec is
 * described in the package documentation; the output of every codec is read by Kafka's
 * {@code MemoryRecords}.
 *
 * <pre>
 *   int compressedBytes = compressor.compress(CompressionType.LZ4, records, offset, length);
 *   compressor.copyOutput(batchBuffer, recordsOffset);
 * </pre>
 *
 * <p>The output grows with the input (to a codec's worst-case expansion) and is kept for the next call;
 * {@link #trim} gives back a large one. Not thread-safe: one compressor per thread.
 */
public final class RecordCompressor {

    /** Kafka's {@code compression.zstd.level} default. */
    public static final int ZSTD_DEFAULT_LEVEL = 3;
    private static final int GZIP_BUFFER_BYTES = 8 * 1024;
    /** Headroom over the input that no codec's framing exceeds for inputs of a batch's size. */
    private static final int OUTPUT_SLACK_BYTES = 4096;

    private final ByteSink output = new ByteSink();
    private final InputBytes input = new InputBytes();

    /**
     * Compresses {@code source[offset, offset+length)} with {@code type} into this compressor's output.
     *
     * @return the compressed bytes, readable with {@link #copyOutput} until the next call
     * @throws IllegalArgumentException if {@code type} is {@link CompressionType#NONE}
     * @throws IllegalStateException if a codec library fails (not expected for any input)
     */
    public int compress(CompressionType type, DirectBuffer source, int offset, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length " + length);
        }
        input.wrap(source, offset, length);
        // Incompressible input grows by a fraction of a percent at most; the cap only catches a codec gone wrong.
        output.reset((int) Math.min(Integer.MAX_VALUE - 8, 2L * length + OUTPUT_SLACK_BYTES));
        byte[] in = input.array();
        int at = input.offset();
        try {
            switch (type) {
                case GZIP -> gzip(in, at, length);
                case SNAPPY -> SnappyFraming.compress(in, at, length, output);
                case LZ4 -> Lz4Frame.compress(in, at, length, output);
                case ZSTD -> zstd(in, at, length);
                case NONE -> throw new IllegalArgumentException("nothing to compress with codec none");
            }
        } catch (IOException e) {
            throw new IllegalStateException(type + " compression failed", e);
        } finally {
            input.trim(Integer.MAX_VALUE);
        }
        return output.length();
    }

    /** Bytes of the last output. */
    public int outputBytes() {
        return output.length();
    }

    /** Copies the last output into {@code destination} at {@code offset}. */
    public void copyOutput(MutableDirectBuffer destination, int offset) {
        destination.putBytes(offset, output.array(), 0, output.length());
    }

    /** Gives back the output and input scratch if either holds more than {@code retainBytes}. */
    public void trim(int retainBytes) {
        output.trim(retainBytes);
        input.trim(retainBytes);
    }

    private void gzip(byte[] in, int offset, int length) throws IOException {
        // GZIPOutputStream writes the RFC 1952 header and trailer and ends its Deflater on close.
        try (GZIPOutputStream gzip = new GZIPOutputStream(output, GZIP_BUFFER_BYTES)) {
            gzip.write(in, offset, length);
        }
    }

    private void zstd(byte[] in, int offset, int length) {
        int bound = (int) Math.min(Integer.MAX_VALUE - 8, Zstd.compressBound(length));
        if (!output.ensureRoom(bound)) {
            throw new IllegalStateException("zstd bound " + bound + " exceeds the output cap");
        }
        long written = Zstd.compressByteArray(output.array(), 0, bound, in, offset, length, ZSTD_DEFAULT_LEVEL);
        if (Zstd.isError(written)) {
            throw new IllegalStateException("zstd compression failed: " + Zstd.getErrorName(written));
        }
        output.advance((int) written);
    }
}
