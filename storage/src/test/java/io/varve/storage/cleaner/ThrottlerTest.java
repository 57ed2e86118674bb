package io.varve.storage.cleaner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.common.ManualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThrottlerTest {

    private final ManualClock clock = new ManualClock();
    private final List<Long> waits = new ArrayList<>();

    @Test
    void waitsUntilTheRateIsBackAtTheLimit() throws InterruptedException {
        Throttler throttler = new Throttler(1_000, clock, ms -> {
            waits.add(ms);
            clock.advanceMs(ms);
        });
        throttler.maybeThrottle(500);
        assertEquals(List.of(), waits, "under the limit in a short window");
        throttler.maybeThrottle(1_500);
        assertEquals(List.of(2_000L), waits, "2000 bytes at 1000 bytes/s take 2 s");

        clock.advanceMs(3_000);
        throttler.maybeThrottle(1_000);
        assertEquals(List.of(2_000L), waits, "slower than the limit: no wait");
        assertEquals(2_000, throttler.sleptMs());
    }

    @Test
    void anUnboundedThrottlerNeverWaits() throws InterruptedException {
        Throttler throttler = Throttler.unbounded(clock);
        throttler.maybeThrottle(Long.MAX_VALUE / 2);
        assertEquals(0, throttler.sleptMs());
    }
}
