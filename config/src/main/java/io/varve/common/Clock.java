package io.varve.common;

/**
 * The one source of time for a component. Production code receives a {@code Clock}; nobody calls
 * {@link System#nanoTime()} or {@link System#currentTimeMillis()} directly, so that tests and
 * simulations can drive time by hand with {@link ManualClock}.
 *
 * <p>Implementations are thread-safe.
 */
public interface Clock {

    /** Wall-clock time in milliseconds since the epoch: record timestamps, file ages, retention. */
    long wallClockMs();

    /** Monotonic time in nanoseconds from an arbitrary origin: timeouts and durations. */
    long nanoTime();

    /** Monotonic time in milliseconds, derived from {@link #nanoTime()}. */
    default long monotonicMs() {
        return nanoTime() / 1_000_000L;
    }

    /** The clock of the machine. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
