package io.varve.storage.cleaner;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.agrona.DirectBuffer;

/**
 * The cleaner's key to last-offset map over a log's dirty section, in a fixed memory budget
 * ({@code log.cleaner.dedupe.buffer.size}): open addressing with linear probing over three parallel
 * {@code long} arrays, {@value #BYTES_PER_ENTRY} bytes a slot, filled to at most
 * {@value #MAX_LOAD_FACTOR} of its slots.
 *
 * <p>Keys are not stored: each is the 128-bit MD5 digest of its bytes, as in Kafka's
 * {@code SkimpyOffsetMap}. Two keys collide only when both 64-bit halves of their digests are equal;
 * for a map of {@code n} keys the chance is about {@code n² / 2^129} (below 10^-25 for 10^7 keys), far
 * below the chance of an undetected disk error, which is the bound this scheme accepts in exchange for
 * a memory cost that does not depend on key sizes. A collision would make the cleaner drop the older
 * of the two keys' records.
 *
 * <p>{@link #put} refuses a new key once the map is full; the caller then cleans only up to the
 * records it mapped and leaves the rest dirty for the next pass. Not thread-safe: one per cleaner thread.
 */
public final class OffsetMap {

    /** Memory per slot: two digest halves and an offset. */
    public static final int BYTES_PER_ENTRY = 3 * Long.BYTES;
    public static final double MAX_LOAD_FACTOR = 0.9;

    private static final long EMPTY = -1L;

    private final long[] hashHigh;
    private final long[] hashLow;
    private final long[] offsets;
    private final int mask;
    private final int maxEntries;
    private final MessageDigest md5;
    private byte[] keyScratch = new byte[64];
    private final byte[] digest = new byte[16];
    private long digestHigh;
    private long digestLow;
    private int size;

    /**
     * A map with room for {@code expectedEntries} keys, within {@code budgetBytes}: the slots are the
     * power of two that holds the expected keys at the load factor, capped at what the budget buys.
     *
     * @throws IllegalArgumentException if the budget buys fewer than 2 slots
     */
    public static OffsetMap forBudget(long budgetBytes, long expectedEntries) {
        long affordable = Long.highestOneBit(Math.min(budgetBytes / BYTES_PER_ENTRY, 1 << 30));
        if (affordable < 2) {
            throw new IllegalArgumentException("a dedupe buffer of " + budgetBytes + " bytes holds no key");
        }
        long wanted = Math.max(2, (long) Math.ceil(Math.max(1, expectedEntries) / MAX_LOAD_FACTOR));
        long slots = Math.min(affordable, wanted <= 2 ? 2 : Long.highestOneBit(wanted - 1) << 1);
        return new OffsetMap((int) slots);
    }

    /** A map of {@code slots} slots, a power of two. */
    public OffsetMap(int slots) {
        if (slots < 2 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two of at least 2: " + slots);
        }
        this.hashHigh = new long[slots];
        this.hashLow = new long[slots];
        this.offsets = new long[slots];
        this.mask = slots - 1;
        this.maxEntries = Math.max(1, (int) (slots * MAX_LOAD_FACTOR));
        java.util.Arrays.fill(offsets, EMPTY);
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides MD5", e);
        }
    }

    /**
     * Records {@code offset} as the latest offset of the key in {@code key[keyOffset, +keyLength)}.
     * Offsets are put in increasing order, so the last put of a key wins.
     *
     * @return false, changing nothing, when the key is new and the map already holds {@link #maxEntries()} keys
     */
    public boolean put(DirectBuffer key, int keyOffset, int keyLength, long offset) {
        hash(key, keyOffset, keyLength);
        int slot = find();
        if (offsets[slot] == EMPTY) {
            if (size == maxEntries) {
                return false;
            }
            hashHigh[slot] = digestHigh;
            hashLow[slot] = digestLow;
            size++;
        }
        offsets[slot] = offset;
        return true;
    }

    /** The latest offset put for this key, or -1 when it was never put. */
    public long get(DirectBuffer key, int keyOffset, int keyLength) {
        hash(key, keyOffset, keyLength);
        return offsets[find()];
    }

    /** Keys held. */
    public int size() {
        return size;
    }

    /** The most keys this map takes. */
    public int maxEntries() {
        return maxEntries;
    }

    public boolean isFull() {
        return size == maxEntries;
    }

    /** The slot that holds the current digest, or the empty slot where it would go. */
    private int find() {
        int slot = (int) (digestHigh ^ digestLow) & mask;
        while (offsets[slot] != EMPTY && (hashHigh[slot] != digestHigh || hashLow[slot] != digestLow)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void hash(DirectBuffer key, int keyOffset, int keyLength) {
        if (keyLength > keyScratch.length) {
            keyScratch = new byte[Math.max(keyLength, keyScratch.length * 2)];
        }
        key.getBytes(keyOffset, keyScratch, 0, keyLength);
        md5.update(keyScratch, 0, keyLength);
        try {
            md5.digest(digest, 0, digest.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("MD5 digest of 16 bytes", e);
        }
        digestHigh = bytesToLong(digest, 0);
        digestLow = bytesToLong(digest, 8);
        if (keyScratch.length > 1 << 20) {
            keyScratch = new byte[64]; // a huge key once: do not hold its copy for the rest of the pass
        }
    }

    private static long bytesToLong(byte[] bytes, int from) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (bytes[from + i] & 0xFF);
        }
        return value;
    }
}
