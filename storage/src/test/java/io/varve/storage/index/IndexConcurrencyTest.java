package io.varve.storage.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader looking up while the owning thread appends and truncates sees only whole entries that
 * were written: every entry is (BASE + 10i, 100i), so a torn or half-zeroed entry breaks that
 * relation. The reader loops a bounded number of times; nothing sleeps.
 */
class IndexConcurrencyTest {

    private static final long BASE = 0;
    private static final int ENTRIES = 4_096;
    private static final int ROUNDS = 40;
    private static final long MAX_READER_LOOKUPS = 50_000_000L;

    @TempDir
    Path dir;

    @Test
    void offsetIndexReadersSeeOnlyWholeEntries() throws Exception {
        try (OffsetIndex index = OffsetIndex.open(dir.resolve("c.index"), BASE, ENTRIES * OffsetIndex.ENTRY_SIZE, true)) {
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<String> violation = new AtomicReference<>();
            AtomicLong lookups = new AtomicLong();
            Thread reader = new Thread(() -> readOffsets(index, done, violation, lookups), "index-reader");
            reader.start();
            try {
                writeOffsets(index);
            } finally {
                done.set(true);
                reader.join();
            }
            assertNull(violation.get());
            assertTrue(lookups.get() > 0);
        }
    }

    private static void writeOffsets(OffsetIndex index) {
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = index.entries() + 1; i <= ENTRIES; i++) {
                index.append(BASE + 10L * i, 100 * i);
            }
            if (round % 2 == 0) {
                index.truncateTo(BASE + 10L * (ENTRIES / 4) * (1 + round % 3));
            } else {
                index.truncateToPosition(100 * (ENTRIES / 8) * (1 + round % 5));
            }
        }
        index.reset();
    }

    private static void readOffsets(OffsetIndex index, AtomicBoolean done, AtomicReference<String> violation,
                                    AtomicLong lookups) {
        long target = 0;
        for (long n = 0; n < MAX_READER_LOOKUPS && !done.get() && violation.get() == null; n++) {
            target = (target + 7_919) % (10L * ENTRIES + 20);
            OffsetPosition found = index.lookup(BASE + target);
            long relative = found.offset() - BASE;
            boolean whole = relative % 10 == 0 && found.position() == relative * 10;
            if (!whole || found.offset() > BASE + target) {
                violation.set("lookup(" + target + ") = " + found);
            }
            lookups.incrementAndGet();
        }
    }

    @Test
    void timeIndexReadersSeeOnlyWholeEntries() throws Exception {
        try (TimeIndex index = TimeIndex.open(dir.resolve("c.timeindex"), BASE, ENTRIES * TimeIndex.ENTRY_SIZE, true)) {
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<String> violation = new AtomicReference<>();
            AtomicLong lookups = new AtomicLong();
            Thread reader = new Thread(() -> readTimes(index, done, violation, lookups), "index-reader");
            reader.start();
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    for (int i = index.entries() + 1; i <= ENTRIES; i++) {
                        index.maybeAppend(100L * i, BASE + 10L * i); // entry i: (100i, BASE + 10i)
                    }
                    index.truncateTo(BASE + 10L * (ENTRIES / 4) * (1 + round % 3));
                }
            } finally {
                done.set(true);
                reader.join();
            }
            assertNull(violation.get());
            assertEquals(ENTRIES / 4 * (1 + (ROUNDS - 1) % 3) - 1, index.entries());
        }
    }

    private static void readTimes(TimeIndex index, AtomicBoolean done, AtomicReference<String> violation,
                                  AtomicLong lookups) {
        long target = 0;
        for (long n = 0; n < MAX_READER_LOOKUPS && !done.get() && violation.get() == null; n++) {
            target = (target + 7_919) % (100L * ENTRIES + 200);
            TimestampOffset found = index.lookup(target);
            boolean none = found.timestamp() == TimeIndex.NO_TIMESTAMP && found.offset() == BASE;
            boolean whole = found.timestamp() > 0 && found.timestamp() == (found.offset() - BASE) * 10;
            if (!(none || whole) || found.timestamp() > target) {
                violation.set("lookup(" + target + ") = " + found);
            }
            lookups.incrementAndGet();
        }
    }
}
