package io.varve.storage.cleaner;

import io.varve.common.Clock;

/**
 * Keeps a cleaner under {@code log.cleaner.io.max.bytes.per.second}: the cleaner reports the bytes it
 * reads and writes, and once the rate over the current window exceeds the limit the throttler asks
 * its {@link Sleeper} to wait until the rate is back at the limit. Time comes from the injected clock
 * and waiting from the injected sleeper, so a test drives both by hand.
 *
 * <p>Not thread-safe: one per cleaner thread.
 */
public final class Throttler {

    /** Waits on the caller's thread; storage never creates threads of its own. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    /** Rate windows shorter than this measure noise. */
    static final long CHECK_INTERVAL_MS = 100;

    private final long maxBytesPerSecond;
    private final Clock clock;
    private final Sleeper sleeper;
    private long windowStartNs;
    private long windowBytes;
    private long sleptMs;

    public Throttler(long maxBytesPerSecond, Clock clock, Sleeper sleeper) {
        if (maxBytesPerSecond <= 0) {
            throw new IllegalArgumentException("maxBytesPerSecond must be positive: " + maxBytesPerSecond);
        }
        this.maxBytesPerSecond = maxBytesPerSecond;
        this.clock = clock;
        this.sleeper = sleeper;
        this.windowStartNs = clock.nanoTime();
    }

    /** A throttler that never waits. */
    public static Throttler unbounded(Clock clock) {
        return new Throttler(Long.MAX_VALUE, clock, ms -> { });
    }

    /**
     * Counts {@code bytes} of I/O and waits if the window's rate is over the limit.
     *
     * @throws InterruptedException if the wait is interrupted (the cleaner is stopping)
     */
    public void maybeThrottle(long bytes) throws InterruptedException {
        if (maxBytesPerSecond == Long.MAX_VALUE) {
            return;
        }
        windowBytes += bytes;
        long elapsedMs = (clock.nanoTime() - windowStartNs) / 1_000_000L;
        if (elapsedMs < CHECK_INTERVAL_MS && windowBytes < maxBytesPerSecond) {
            return;
        }
        // The window should have lasted windowBytes / rate seconds: wait out the difference.
        long targetMs = (long) Math.ceil(windowBytes * 1000.0 / maxBytesPerSecond);
        if (targetMs > elapsedMs) {
            long waitMs = targetMs - elapsedMs;
            sleptMs += waitMs;
            sleeper.sleep(waitMs);
        }
        windowStartNs = clock.nanoTime();
        windowBytes = 0;
    }

    /** Milliseconds waited so far. */
    public long sleptMs() {
        return sleptMs;
    }
}
