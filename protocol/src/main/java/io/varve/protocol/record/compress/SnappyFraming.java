package io.varve.protocol.record.compress;

import java.io.IOException;
import org.xerial.snappy.Snappy;

/**
 * Kafka's snappy framing: snappy-java's stream format ({@code SnappyOutputStream}), which Kafka's
 * producer writes and its broker reads.
 * <pre>
 *  +----------------------------------+-------------+------------------+------------------------------+
 *  | magic 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0 | version (int32 BE) | compatible (int32 BE) | chunks ...  |
 *  +----------------------------------+-------------+------------------+------------------------------+
 *  chunk: compressedLength (int32 BE) + a raw snappy block of at most 32 KiB uncompressed
 * </pre>
 * Written: header version 1, compatible version 1, one chunk per 32 KiB of input. Read: chunks until
 * the input ends; a repeated header between chunks (concatenated streams) is skipped; input that does
 * not start with the header is one raw snappy block, as snappy-java reads it. Each chunk's declared
 * uncompressed length is checked against the cap before a byte is inflated.
 *
 * <p>Stateless.
 */
final class SnappyFraming {

    static final int BLOCK_BYTES = 32 * 1024;
    private static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    private static final int HEADER_BYTES = MAGIC.length + 2 * Integer.BYTES;
    private static final int VERSION = 1;
    private static final int MIN_COMPATIBLE_VERSION = 1;

    private SnappyFraming() {
    }

    /** Appends the framed stream of {@code in[offset, offset+length)} to {@code out}. */
    static void compress(byte[] in, int offset, int length, ByteSink out) throws IOException {
        out.write(MAGIC, 0, MAGIC.length);
        out.putIntBigEndian(VERSION);
        out.putIntBigEndian(MIN_COMPATIBLE_VERSION);
        for (int at = offset; at < offset + length; at += BLOCK_BYTES) {
            int blockBytes = Math.min(BLOCK_BYTES, offset + length - at);
            if (!out.ensureRoom(Integer.BYTES + Snappy.maxCompressedLength(blockBytes))) {
                throw new IOException("snappy output exceeds " + out.maxBytes() + " bytes");
            }
            int sizeAt = out.length();
            int compressed = Snappy.compress(in, at, blockBytes, out.array(), sizeAt + Integer.BYTES);
            out.putIntBigEndian(compressed);
            out.advance(compressed);
        }
    }

    /** Inflates the stream in {@code in[offset, offset+length)} into {@code out}, within its cap. */
    static DecompressionStatus decompress(byte[] in, int offset, int length, ByteSink out) {
        int end = offset + length;
        if (!hasMagic(in, offset, end)) {
            return inflateBlock(in, offset, length, out);
        }
        int p = offset + HEADER_BYTES;
        while (p < end) {
            if (hasMagic(in, p, end)) {
                p += HEADER_BYTES;
                continue;
            }
            if (end - p < Integer.BYTES) {
                return DecompressionStatus.CORRUPT;
            }
            int chunkBytes = intBigEndian(in, p);
            p += Integer.BYTES;
            if (chunkBytes < 0 || chunkBytes > end - p) {
                return DecompressionStatus.CORRUPT;
            }
            DecompressionStatus status = inflateBlock(in, p, chunkBytes, out);
            if (!status.isOk()) {
                return status;
            }
            p += chunkBytes;
        }
        return DecompressionStatus.OK;
    }

    private static DecompressionStatus inflateBlock(byte[] in, int offset, int length, ByteSink out) {
        try {
            int declared = Snappy.uncompressedLength(in, offset, length);
            if (declared < 0) {
                return DecompressionStatus.CORRUPT;
            }
            // The length is declared up front: refuse it before allocating or inflating anything.
            if (!out.ensureRoom(declared)) {
                return DecompressionStatus.TOO_LARGE;
            }
            int inflated = Snappy.uncompress(in, offset, length, out.array(), out.length());
            if (inflated != declared) {
                return DecompressionStatus.CORRUPT;
            }
            out.advance(inflated);
            return DecompressionStatus.OK;
        } catch (IOException e) {
            return DecompressionStatus.CORRUPT;
        }
    }

    private static boolean hasMagic(byte[] in, int p, int end) {
        if (end - p < HEADER_BYTES) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (in[p + i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static int intBigEndian(byte[] a, int p) {
        return (a[p] & 0xFF) << 24 | (a[p + 1] & 0xFF) << 16 | (a[p + 2] & 0xFF) << 8 | (a[p + 3] & 0xFF);
    }
}
