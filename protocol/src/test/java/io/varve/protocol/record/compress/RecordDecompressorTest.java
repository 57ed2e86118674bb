package io.varve.protocol.record.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Round trips through {@link RecordCompressor} and {@link RecordDecompressor} for every codec, and the
 * hard limit on decompressed bytes: met exactly it passes, passed by one byte it is refused, and a
 * decompression bomb (100 MB of zeros) is refused holding no more than the limit.
 */
class RecordDecompressorTest {

    private static final int BOMB_BYTES = 100_000_000;
    private static final int LIMIT_BYTES = 1 << 20;

    private final RecordCompressor compressor = new RecordCompressor();
    private final RecordDecompressor decompressor = new RecordDecompressor();

    /** Text-like bytes that compress, of a length that spans several lz4 (64 KiB) and snappy (32 KiB) blocks. */
    static byte[] sample(int length, long seed) {
        Random random = new Random(seed);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + random.nextInt(random.nextBoolean() ? 4 : 26));
        }
        return bytes;
    }

    private byte[] compress(CompressionType type, byte[] input) {
        int size = compressor.compress(type, new UnsafeBuffer(input), 0, input.length);
        UnsafeBuffer out = new UnsafeBuffer(new byte[size]);
        compressor.copyOutput(out, 0);
        return out.byteArray();
    }

    private static byte[] bytes(DirectBuffer buffer, int length) {
        byte[] out = new byte[length];
        buffer.getBytes(0, out);
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void roundTripsAcrossBlockBoundariesAndIncompressibleInput(CompressionType type) {
        byte[] random = new byte[200_000];
        new Random(7).nextBytes(random);
        for (byte[] input : new byte[][] {new byte[0], {42}, sample(100, 1), sample(200_000, 2), random}) {
            byte[] compressed = compress(type, input);
            assertEquals(DecompressionStatus.OK, decompressor.decompress(type, new UnsafeBuffer(compressed), 0,
                compressed.length, input.length), type + " of " + input.length + " bytes");
            assertEquals(input.length, decompressor.decompressedBytes());
            assertArrayEquals(input, bytes(decompressor.buffer(), input.length));
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void theLimitIsExactOneByteMoreIsRefused(CompressionType type) {
        byte[] input = sample(150_000, 3);
        byte[] compressed = type == CompressionType.NONE ? input : compress(type, input);
        UnsafeBuffer source = new UnsafeBuffer(compressed);
        assertEquals(DecompressionStatus.OK, decompressor.decompress(type, source, 0, compressed.length, input.length));
        assertEquals(DecompressionStatus.TOO_LARGE,
            decompressor.decompress(type, source, 0, compressed.length, input.length - 1));
        assertEquals(0, decompressor.decompressedBytes());
        assertTrue(decompressor.capacityBytes() <= input.length);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aBombOf100MbOfZerosIsRefusedHoldingAtMostTheLimit(CompressionType type) {
        byte[] bomb = BombHolder.compressed(type);
        // Snappy compresses zeros about 21 times (a 32 KiB block to ~1.5 KiB); the others far more.
        assertTrue(bomb.length < BOMB_BYTES / 20, type + " bomb is " + bomb.length + " bytes");
        // Off-heap input too: the payload is copied into scratch before inflating.
        ByteBuffer direct = ByteBuffer.allocateDirect(bomb.length).put(bomb).flip();
        for (DirectBuffer source : new DirectBuffer[] {new UnsafeBuffer(bomb), new UnsafeBuffer(direct)}) {
            RecordDecompressor fresh = new RecordDecompressor();
            assertEquals(DecompressionStatus.TOO_LARGE, fresh.decompress(type, source, 0, bomb.length, LIMIT_BYTES));
            assertTrue(fresh.capacityBytes() <= LIMIT_BYTES, "held " + fresh.capacityBytes());
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void everyTruncationIsCorruptOrShortNeverAnException(CompressionType type) {
        byte[] input = sample(100_000, 4);
        byte[] compressed = compress(type, input);
        int corrupt = 0;
        for (int cut = 0; cut < compressed.length; cut++) {
            DecompressionStatus status = decompressor.decompress(type, new UnsafeBuffer(compressed), 0, cut, 1 << 20);
            assertNotEquals(DecompressionStatus.TOO_LARGE, status);
            if (status.isOk()) {
                // A cut at a snappy chunk boundary is a shorter valid stream: the batch's record count catches it.
                assertTrue(decompressor.decompressedBytes() < input.length, type + " cut at " + cut);
            } else {
                corrupt++;
            }
        }
        assertTrue(corrupt > compressed.length * 9 / 10, type + ": " + corrupt + " of " + compressed.length);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void garbageIsCorruptNeverAnException(CompressionType type) {
        Random random = new Random(type.id());
        for (int i = 0; i < 2_000; i++) {
            byte[] garbage = new byte[random.nextInt(64)];
            random.nextBytes(garbage);
            DecompressionStatus status = decompressor.decompress(type, new UnsafeBuffer(garbage), 0, garbage.length, 4096);
            assertTrue(decompressor.capacityBytes() <= 4096, type + " " + status);
        }
    }

    @Test
    void lz4FramesWithChecksumsAndContentSizeAreReadAndVerified() {
        byte[] input = sample(1000, 5);
        // FLG 0x74: version 01, independent blocks, block checksum, content checksum; BD 0x40 (64 KiB).
        Lz4TestFrames frame = new Lz4TestFrames(0x74, input);
        assertEquals(DecompressionStatus.OK, decompressor.decompress(CompressionType.LZ4,
            new UnsafeBuffer(frame.bytes()), 0, frame.bytes().length, input.length));
        assertArrayEquals(input, bytes(decompressor.buffer(), input.length));
        for (int at : new int[] {frame.blockChecksumAt(), frame.contentChecksumAt(), frame.headerChecksumAt()}) {
            byte[] broken = frame.bytes().clone();
            broken[at] ^= 1;
            assertEquals(DecompressionStatus.CORRUPT, decompressor.decompress(CompressionType.LZ4,
                new UnsafeBuffer(broken), 0, broken.length, input.length), "flip at " + at);
        }
        Lz4TestFrames withSize = new Lz4TestFrames(0x68, input); // content size field, no checksums
        assertEquals(DecompressionStatus.OK, decompressor.decompress(CompressionType.LZ4,
            new UnsafeBuffer(withSize.bytes()), 0, withSize.bytes().length, input.length));
        assertArrayEquals(input, bytes(decompressor.buffer(), input.length));
    }

    @Test
    void trimGivesBackALargeBuffer() {
        byte[] input = sample(300_000, 6);
        byte[] compressed = compress(CompressionType.ZSTD, input);
        decompressor.decompress(CompressionType.ZSTD, new UnsafeBuffer(compressed), 0, compressed.length, 1 << 20);
        assertTrue(decompressor.capacityBytes() >= input.length);
        decompressor.trim(64 * 1024);
        assertEquals(0, decompressor.capacityBytes());
        assertEquals(0, decompressor.decompressedBytes());
    }

    @Test
    void namesAndIdsMapBothWays() {
        for (CompressionType type : CompressionType.values()) {
            assertEquals(type, CompressionType.forName(type.kafkaName()));
            assertEquals(type, CompressionType.forId(type.id()));
            assertTrue(CompressionType.isKnownId(type.id()));
        }
        assertEquals("zstd", CompressionType.ZSTD.kafkaName());
        assertEquals(3, CompressionType.LZ4.id());
        assertFalse(CompressionType.isKnownId(5));
        assertFalse(CompressionType.isKnownId(-1));
        assertThrows(IllegalArgumentException.class, () -> CompressionType.forId(7));
        assertThrows(IllegalArgumentException.class, () -> CompressionType.forName("GZIP"));
        assertThrows(IllegalArgumentException.class, () -> compressor.compress(CompressionType.NONE,
            new UnsafeBuffer(new byte[1]), 0, 1));
    }

    /** One 100 MB zero array, compressed once per codec and shared by the bomb tests. */
    private static final class BombHolder {
        private static final byte[][] COMPRESSED = new byte[CompressionType.values().length][];

        static synchronized byte[] compressed(CompressionType type) {
            if (COMPRESSED[type.id()] == null) {
                RecordCompressor compressor = new RecordCompressor();
                int size = compressor.compress(type, new UnsafeBuffer(new byte[BOMB_BYTES]), 0, BOMB_BYTES);
                UnsafeBuffer out = new UnsafeBuffer(new byte[size]);
                compressor.copyOutput(out, 0);
                COMPRESSED[type.id()] = Arrays.copyOf(out.byteArray(), size);
            }
            return COMPRESSED[type.id()];
        }
    }
}
