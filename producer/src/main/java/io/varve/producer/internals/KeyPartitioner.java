package io.varve.producer.internals;

/**
 * The partition of a keyed record, exactly as Kafka's default partitioner picks it:
 * {@code toPositive(murmur2(keyBytes)) % numPartitions}, so that a key lands on the same partition
 * whether a Varve or a Kafka producer wrote it. Stateless and thread-safe.
 */
public final class KeyPartitioner {

    private static final int SEED = 0x9747b28c;
    private static final int MIX = 0x5bd1e995;
    private static final int SHIFT = 24;

    private KeyPartitioner() {
    }

    /** The partition for {@code keyBytes} among {@code numPartitions} (at least 1). */
    public static int partition(byte[] keyBytes, int numPartitions) {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition: " + numPartitions);
        }
        return toPositive(murmur2(keyBytes)) % numPartitions;
    }

    /** Clears the sign bit (not {@code Math.abs}, which leaves {@code MIN_VALUE} negative). */
    public static int toPositive(int n) {
        return n & 0x7fffffff;
    }

    /**
     * MurmurHash2, 32-bit, with the seed Kafka uses: words are read little-endian, the 1-3 trailing
     * bytes are folded in last, then the final avalanche.
     */
    public static int murmur2(byte[] data) {
        int length = data.length;
        int h = SEED ^ length;
        int words = length >>> 2;
        for (int w = 0; w < words; w++) {
            int i = w << 2;
            int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
            k *= MIX;
            k ^= k >>> SHIFT;
            k *= MIX;
            h = h * MIX ^ k;
        }
        int tail = words << 2;
        int rest = length & 3;
        if (rest > 0) {
            if (rest == 3) {
                h ^= (data[tail + 2] & 0xff) << 16;
            }
            if (rest >= 2) {
                h ^= (data[tail + 1] & 0xff) << 8;
            }
            h ^= data[tail] & 0xff;
            h *= MIX;
        }
        h ^= h >>> 13;
        h *= MIX;
        h ^= h >>> 15;
        return h;
    }
}
