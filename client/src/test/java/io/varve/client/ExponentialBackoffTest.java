package io.varve.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {

    @Test
    void termDoublesFromTheInitialBackoffUpToTheCap() {
        ExponentialBackoff backoff = ExponentialBackoff.of(50, 1_000);

        List<Long> terms = new ArrayList<>();
        for (int attempt = 0; attempt < 8; attempt++) {
            terms.add(backoff.termMs(attempt));
        }

        assertEquals(List.of(50L, 100L, 200L, 400L, 800L, 1_000L, 1_000L, 1_000L), terms);
        assertEquals(1_000L, backoff.termMs(10_000), "huge attempt counts stay at the cap");
    }

    @Test
    void aMaximumBelowTheInitialBackoffKeepsTheInitialBackoff() {
        assertEquals(500L, ExponentialBackoff.of(500, 100).termMs(3));
    }

    @Test
    void theSameSeedGivesTheSameJitteredSequence() {
        ExponentialBackoff backoff = ExponentialBackoff.of(50, 1_000);
        Random a = new Random(42);
        Random b = new Random(42);
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        for (int attempt = 0; attempt < 10; attempt++) {
            first.add(backoff.backoffMs(attempt, a));
            second.add(backoff.backoffMs(attempt, b));
        }

        assertEquals(first, second);
        assertTrue(first.stream().distinct().count() > 5, "jitter varies the waits: " + first);
    }

    @Property(tries = 300)
    void jitterStaysWithinTwentyPercentOfTheTerm(@ForAll @LongRange(min = 0, max = 100_000) long initialMs,
                                                 @ForAll @LongRange(min = 0, max = 1_000_000) long maxMs,
                                                 @ForAll @IntRange(min = 0, max = 80) int attempt,
                                                 @ForAll long seed) {
        ExponentialBackoff backoff = ExponentialBackoff.of(initialMs, maxMs);
        long term = backoff.termMs(attempt);
        long waitMs = backoff.backoffMs(attempt, new Random(seed));

        assertTrue(term <= Math.max(initialMs, maxMs));
        assertTrue(waitMs >= Math.floor(term * 0.8) && waitMs <= Math.ceil(term * 1.2),
            "wait " + waitMs + " outside 20% of " + term);
    }

    @Test
    void invalidParametersAreProgrammerErrors() {
        assertThrows(IllegalArgumentException.class, () -> ExponentialBackoff.of(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialBackoff(1, 10, 0.5, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialBackoff(1, 10, 2, 1.0));
        assertThrows(IllegalArgumentException.class, () -> ExponentialBackoff.of(1, 10).termMs(-1));
    }
}
