package io.varve.storage.cleaner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class OffsetMapTest {

    private static UnsafeBuffer key(String s) {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean put(OffsetMap map, String key, long offset) {
        UnsafeBuffer k = key(key);
        return map.put(k, 0, k.capacity(), offset);
    }

    private static long get(OffsetMap map, String key) {
        UnsafeBuffer k = key(key);
        return map.get(k, 0, k.capacity());
    }

    @Test
    void theLastPutOfAKeyWinsAndUnknownKeysAnswerMinusOne() {
        OffsetMap map = new OffsetMap(1024);
        for (int offset = 0; offset < 500; offset++) {
            assertTrue(put(map, "key-" + offset % 50, offset));
        }
        assertEquals(50, map.size());
        for (int k = 0; k < 50; k++) {
            assertEquals(450 + k, get(map, "key-" + k));
        }
        assertEquals(-1, get(map, "never"));
        assertTrue(put(map, "", 7), "an empty key is a key");
        assertEquals(7, get(map, ""));
    }

    @Test
    void aFullMapRefusesNewKeysButStillUpdatesKnownOnes() {
        OffsetMap map = new OffsetMap(16);
        assertEquals(14, map.maxEntries(), "90% of 16 slots");
        for (int k = 0; k < 14; k++) {
            assertTrue(put(map, "k" + k, k));
        }
        assertTrue(map.isFull());
        assertFalse(put(map, "new", 99));
        assertEquals(-1, get(map, "new"));
        assertTrue(put(map, "k3", 100), "a known key still moves");
        assertEquals(100, get(map, "k3"));
    }

    @Test
    void theBudgetBoundsTheSlots() {
        OffsetMap small = OffsetMap.forBudget(1 << 20, 10_000_000);
        assertTrue((long) small.maxEntries() * OffsetMap.BYTES_PER_ENTRY <= 1 << 20, "within 1 MiB");
        OffsetMap sized = OffsetMap.forBudget(128L << 20, 100);
        assertTrue(sized.maxEntries() >= 100 && sized.maxEntries() < 256, "sized for the keys: " + sized.maxEntries());
        assertThrows(IllegalArgumentException.class, () -> OffsetMap.forBudget(24, 10));
    }

    @Test
    void keysOfOneSliceOfALargerBufferHashAlike() {
        UnsafeBuffer buffer = new UnsafeBuffer("xxabcyy".getBytes(StandardCharsets.UTF_8));
        OffsetMap map = new OffsetMap(16);
        map.put(buffer, 2, 3, 5);
        assertEquals(5, get(map, "abc"));
    }
}
