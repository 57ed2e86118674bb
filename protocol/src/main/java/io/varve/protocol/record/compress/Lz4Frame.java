package io.varve.protocol.record.compress;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Kafka's LZ4 framing: the LZ4 frame format (lz4 {@code lz4_Frame_format.md}), written the way Kafka's
 * producer writes it and read the way its broker reads it.
 * <pre>
 *  +-------------------+-----+----+----+-------------------------------------+-----------+
 *  | magic 0x184D2204  | FLG | BD | HC | blocks ...                          | end mark  |
 *  | (int32 LE)        |     |    |    | size (int32 LE) + data [+ checksum] | 0 (int32) |
 *  +-------------------+-----+----+----+-------------------------------------+-----------+
 * </pre>
 * FLG: bits 7-6 version (01), bit 5 block independence, bit 4 block checksum, bit 3 content size
 * (8 bytes follow BD), bit 2 content checksum (4 bytes follow the end mark), bit 1 reserved, bit 0
 * dictionary id. BD: bits 6-4 the largest block (4 = 64 KiB, 5 = 256 KiB, 6 = 1 MiB, 7 = 4 MiB).
 * HC: byte 1 of xxhash32 (seed 0) over FLG up to HC. A block size with bit 31 set holds its bytes
 * uncompressed; a block checksum is xxhash32 of the block's stored bytes.
 *
 * <p>Written: FLG {@code 0x60} (independent blocks, no checksums), BD {@code 0x40} (64 KiB), blocks
 * compressed with lz4's fast compressor (what Kafka's producer uses at its default
 * {@code compression.lz4.level}, so the bytes are Kafka's) and stored raw when that does not make them
 * smaller. Read: any version-01 frame without a dictionary, checksums verified when flagged; each block
 * is decompressed on its own (Kafka's reader does the same), so a block that refers back to an earlier
 * one is corrupt. Bytes after the end mark (and its content checksum) are ignored, as Kafka does.
 *
 * <p>Stateless apart from the shared, thread-safe codec instances.
 */
final class Lz4Frame {

    static final int MAGIC = 0x184D2204;
    static final int BLOCK_BYTES = 64 * 1024;

    private static final int FLG_WRITTEN = 0x60;
    private static final int BD_WRITTEN = 0x40;
    private static final int VERSION = 1;
    private static final int FLG_BLOCK_CHECKSUM = 0x10;
    private static final int FLG_CONTENT_SIZE = 0x08;
    private static final int FLG_CONTENT_CHECKSUM = 0x04;
    private static final int FLG_RESERVED_OR_DICTIONARY = 0x03;
    private static final int BD_RESERVED = 0x8F;
    private static final int UNCOMPRESSED_BLOCK = 0x80000000;

    private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();
    private static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();

    private Lz4Frame() {
    }

    /** Appends the frame of {@code in[offset, offset+length)} to {@code out}. */
    static void compress(byte[] in, int offset, int length, ByteSink out) {
        out.putIntLittleEndian(MAGIC);
        out.ensureRoom(3);
        byte[] a = out.array();
        int p = out.length();
        a[p] = (byte) FLG_WRITTEN;
        a[p + 1] = (byte) BD_WRITTEN;
        a[p + 2] = (byte) ((XXHASH.hash(a, p, 2, 0) >> 8) & 0xFF);
        out.advance(3);
        for (int at = offset; at < offset + length; at += BLOCK_BYTES) {
            compressBlock(in, at, Math.min(BLOCK_BYTES, offset + length - at), out);
        }
        out.putIntLittleEndian(0);
    }

    private static void compressBlock(byte[] in, int offset, int length, ByteSink out) {
        int bound = COMPRESSOR.maxCompressedLength(length);
        if (!out.ensureRoom(Integer.BYTES + Math.max(bound, length))) {
            throw new IllegalStateException("lz4 output exceeds " + out.maxBytes() + " bytes");
        }
        int sizeAt = out.length();
        int compressed = COMPRESSOR.compress(in, offset, length, out.array(), sizeAt + Integer.BYTES, bound);
        if (compressed < length) {
            out.putIntLittleEndian(compressed);
            out.advance(compressed);
        } else {
            out.putIntLittleEndian(length | UNCOMPRESSED_BLOCK);
            System.arraycopy(in, offset, out.array(), out.length(), length);
            out.advance(length);
        }
    }

    /** Inflates the frame in {@code in[offset, offset+length)} into {@code out}, within its cap. */
    static DecompressionStatus decompress(byte[] in, int offset, int length, ByteSink out) {
        int end = offset + length;
        int descriptor = offset + Integer.BYTES;
        if (length < 7 || intLittleEndian(in, offset) != MAGIC) {
            return DecompressionStatus.CORRUPT;
        }
        int flg = in[descriptor] & 0xFF;
        int bd = in[descriptor + 1] & 0xFF;
        int blockSizeId = (bd >> 4) & 0x07;
        if (flg >> 6 != VERSION || (flg & FLG_RESERVED_OR_DICTIONARY) != 0 || (bd & BD_RESERVED) != 0
            || blockSizeId < 4) {
            return DecompressionStatus.CORRUPT;
        }
        int descriptorBytes = (flg & FLG_CONTENT_SIZE) != 0 ? 10 : 2;
        int p = descriptor + descriptorBytes;
        if (p >= end || (in[p] & 0xFF) != ((XXHASH.hash(in, descriptor, descriptorBytes, 0) >> 8) & 0xFF)) {
            return DecompressionStatus.CORRUPT;
        }
        return decompressBlocks(in, p + 1, end, flg, 1 << (2 * blockSizeId + 8), out, out.length());
    }

    private static DecompressionStatus decompressBlocks(byte[] in, int p, int end, int flg, int maxBlockBytes,
                                                        ByteSink out, int contentStart) {
        boolean blockChecksum = (flg & FLG_BLOCK_CHECKSUM) != 0;
        while (true) {
            if (end - p < Integer.BYTES) {
                return DecompressionStatus.CORRUPT;
            }
            int size = intLittleEndian(in, p);
            p += Integer.BYTES;
            if (size == 0) {
                return checkContent(in, p, end, flg, out, contentStart);
            }
            boolean raw = (size & UNCOMPRESSED_BLOCK) != 0;
            size &= ~UNCOMPRESSED_BLOCK;
            int stored = size + (blockChecksum ? Integer.BYTES : 0);
            if (size > maxBlockBytes || stored > end - p) {
                return DecompressionStatus.CORRUPT;
            }
            if (blockChecksum && XXHASH.hash(in, p, size, 0) != intLittleEndian(in, p + size)) {
                return DecompressionStatus.CORRUPT;
            }
            DecompressionStatus status = raw ? copyBlock(in, p, size, out) : inflateBlock(in, p, size, maxBlockBytes, out);
            if (!status.isOk()) {
                return status;
            }
            p += stored;
        }
    }

    private static DecompressionStatus copyBlock(byte[] in, int p, int size, ByteSink out) {
        if (!out.ensureRoom(size)) {
            return DecompressionStatus.TOO_LARGE;
        }
        System.arraycopy(in, p, out.array(), out.length(), size);
        out.advance(size);
        return DecompressionStatus.OK;
    }

    private static DecompressionStatus inflateBlock(byte[] in, int p, int size, int maxBlockBytes, ByteSink out) {
        int roomBytes = Math.min(maxBlockBytes, out.remainingBytes());
        out.ensureRoom(roomBytes);
        try {
            out.advance(DECOMPRESSOR.decompress(in, p, size, out.array(), out.length(), roomBytes));
            return DecompressionStatus.OK;
        } catch (LZ4Exception e) {
            // The block does not decode into the room given: if the cap made that room smaller than a
            // block may be, the block may be well formed but too large; either way it is refused.
            return roomBytes < maxBlockBytes ? DecompressionStatus.TOO_LARGE : DecompressionStatus.CORRUPT;
        }
    }

    private static DecompressionStatus checkContent(byte[] in, int p, int end, int flg, ByteSink out,
                                                    int contentStart) {
        if ((flg & FLG_CONTENT_CHECKSUM) == 0) {
            return DecompressionStatus.OK;
        }
        if (end - p < Integer.BYTES || XXHASH.hash(out.array(), contentStart, out.length() - contentStart, 0) != intLittleEndian(in, p)) {
            return DecompressionStatus.CORRUPT;
        }
        return DecompressionStatus.OK;
    }

    private static int intLittleEndian(byte[] a, int p) {
        return (a[p] & 0xFF) | (a[p + 1] & 0xFF) << 8 | (a[p + 2] & 0xFF) << 16 | (a[p + 3] & 0xFF) << 24;
    }
}
