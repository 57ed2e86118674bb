package io.varve.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ManualClockTest {

    @Test
    void startsAtTheFixedEpochWithMonotonicTimeAtZero() {
        ManualClock clock = new ManualClock();
        assertEquals(1_767_225_600_000L, clock.wallClockMs(), "2026-01-01T00:00:00Z");
        assertEquals(0L, clock.nanoTime());
        assertEquals(0L, clock.monotonicMs());
    }

    @Test
    void standsStillUntilAdvanced() {
        ManualClock clock = new ManualClock(1_000L);
        assertEquals(1_000L, clock.wallClockMs());
        assertEquals(1_000L, clock.wallClockMs());
        assertEquals(0L, clock.nanoTime());
    }

    @Test
    void advancesBothClocksTogether() {
        ManualClock clock = new ManualClock(1_000L);

        assertSame(clock, clock.advanceMs(250));
        assertEquals(1_250L, clock.wallClockMs());
        assertEquals(250_000_000L, clock.nanoTime());
        assertEquals(250L, clock.monotonicMs());

        clock.advance(2, TimeUnit.SECONDS);
        assertEquals(3_250L, clock.wallClockMs());
        assertEquals(2_250L, clock.monotonicMs());

        clock.advance(0, TimeUnit.DAYS);
        assertEquals(3_250L, clock.wallClockMs());
    }

    @Test
    void timeNeverGoesBack() {
        ManualClock clock = new ManualClock();
        assertThrows(IllegalArgumentException.class, () -> clock.advanceMs(-1));
        assertEquals(0L, clock.nanoTime());
    }

    @Test
    void systemClockIsMonotonicAndNearTheWallClock() {
        Clock clock = Clock.system();
        long before = clock.nanoTime();
        assertTrue(clock.nanoTime() >= before);
        assertTrue(clock.wallClockMs() > 1_700_000_000_000L);
        assertSame(clock, Clock.system());
    }

    @Test
    void subMillisecondStepsAddUpOnTheWallClockToo() {
        ManualClock clock = new ManualClock(1_000);
        for (int i = 0; i < 4; i++) {
            clock.advance(250, java.util.concurrent.TimeUnit.MICROSECONDS);
        }
        org.junit.jupiter.api.Assertions.assertEquals(1_001, clock.wallClockMs());
        org.junit.jupiter.api.Assertions.assertEquals(1_000_000, clock.nanoTime());
    }
}
