package io.varve.common;

import java.util.concurrent.TimeUnit;

/**
 * A clock that moves only when told to: for unit tests and deterministic simulation. Wall-clock and
 * monotonic time advance together, to the nanosecond: wall-clock time is the start plus the
 * monotonic time elapsed. Thread-safe (reads and advances are atomic per field).
 */
public final class ManualClock implements Clock {

    private final long startWallClockMs;
    private volatile long nanoTime;

    /** Starts at the given wall-clock time, with monotonic time at zero. */
    public ManualClock(long wallClockMs) {
        this.startWallClockMs = wallClockMs;
    }

    /** Starts at 2026-01-01T00:00:00Z: a fixed, realistic epoch so timestamps look like real ones. */
    public ManualClock() {
        this(1_767_225_600_000L);
    }

    @Override
    public long wallClockMs() {
        return startWallClockMs + nanoTime / 1_000_000L;
    }

    @Override
    public long nanoTime() {
        return nanoTime;
    }

    /** Moves both clocks forward; a negative amount is a programmer error. */
    public synchronized ManualClock advance(long amount, TimeUnit unit) {
        if (amount < 0) {
            throw new IllegalArgumentException("time never goes back: " + amount + " " + unit);
        }
        nanoTime = Math.addExact(nanoTime, unit.toNanos(amount));
        return this;
    }

    /** Moves both clocks forward by {@code ms} milliseconds. */
    public ManualClock advanceMs(long ms) {
        return advance(ms, TimeUnit.MILLISECONDS);
    }
}
