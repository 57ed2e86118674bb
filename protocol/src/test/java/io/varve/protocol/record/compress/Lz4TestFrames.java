package io.varve.protocol.record.compress;

import java.io.ByteArrayOutputStream;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * LZ4 frames with the optional fields Kafka's producer never writes (block and content checksums,
 * content size), built by hand from the frame format so the reader's handling of them is tested.
 */
final class Lz4TestFrames {

    private static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();

    private final byte[] bytes;
    private int headerChecksumAt;
    private int blockChecksumAt = -1;
    private int contentChecksumAt = -1;

    /** One frame of one compressed block holding {@code content}, with the flags in {@code flg}. */
    Lz4TestFrames(int flg, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        putIntLe(out, Lz4Frame.MAGIC);
        ByteArrayOutputStream descriptor = new ByteArrayOutputStream();
        descriptor.write(flg);
        descriptor.write(0x40);
        if ((flg & 0x08) != 0) {
            for (int i = 0; i < 8; i++) {
                descriptor.write((int) ((long) content.length >>> (8 * i)));
            }
        }
        byte[] d = descriptor.toByteArray();
        out.write(d, 0, d.length);
        headerChecksumAt = out.size();
        out.write((XXHASH.hash(d, 0, d.length, 0) >> 8) & 0xFF);
        byte[] block = LZ4Factory.fastestInstance().fastCompressor().compress(content);
        putIntLe(out, block.length);
        out.write(block, 0, block.length);
        if ((flg & 0x10) != 0) {
            blockChecksumAt = out.size();
            putIntLe(out, XXHASH.hash(block, 0, block.length, 0));
        }
        putIntLe(out, 0);
        if ((flg & 0x04) != 0) {
            contentChecksumAt = out.size();
            putIntLe(out, XXHASH.hash(content, 0, content.length, 0));
        }
        bytes = out.toByteArray();
    }

    byte[] bytes() {
        return bytes;
    }

    int headerChecksumAt() {
        return headerChecksumAt;
    }

    int blockChecksumAt() {
        return blockChecksumAt;
    }

    int contentChecksumAt() {
        return contentChecksumAt;
    }

    private static void putIntLe(ByteArrayOutputStream out, int value) {
        for (int i = 0; i < 4; i++) {
            out.write(value >>> (8 * i));
        }
    }
}
