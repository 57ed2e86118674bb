package io.varve.client;

import java.util.Random;

/**
 * Exponential backoff with jitter, as a pure function of the attempt number and a random source:
 * the {@code n}-th consecutive failure (from 0) waits
 * {@code term(n) = min(cap, initial × multiplier^n)}, where {@code cap = max(initial, max)},
 * scaled by a factor drawn uniformly from {@code [1 - jitter, 1 + jitter)}. Jitter spreads the
 * reconnects of many clients after a broker restart. Used for {@code reconnect.backoff.ms} and
 * {@code retry.backoff.ms}.
 *
 * <p>Immutable and thread-safe; determinism comes from the {@link Random} passed in (one seeded
 * instance per client, drawn from one thread).
 */
public final class ExponentialBackoff {

    /** Kafka's multiplier and jitter. */
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final double DEFAULT_JITTER = 0.2;

    private final long initialMs;
    private final long capMs;
    private final double multiplier;
    private final double jitter;

    public ExponentialBackoff(long initialMs, long maxMs, double multiplier, double jitter) {
        if (initialMs < 0 || maxMs < 0) {
            throw new IllegalArgumentException("negative backoff: " + initialMs + ", " + maxMs);
        }
        if (multiplier < 1.0 || jitter < 0.0 || jitter >= 1.0) {
            throw new IllegalArgumentException("multiplier must be >= 1 and jitter in [0, 1): " + multiplier + ", " + jitter);
        }
        this.initialMs = initialMs;
        this.capMs = Math.max(initialMs, maxMs);
        this.multiplier = multiplier;
        this.jitter = jitter;
    }

    /** Doubling with 20% jitter, as Kafka's clients do. */
    public static ExponentialBackoff of(long initialMs, long maxMs) {
        return new ExponentialBackoff(initialMs, maxMs, DEFAULT_MULTIPLIER, DEFAULT_JITTER);
    }

    /** The backoff before jitter after {@code attempts} consecutive failures (0 for the first). */
    public long termMs(int attempts) {
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts < 0: " + attempts);
        }
        double term = initialMs * Math.pow(multiplier, attempts);
        return term >= capMs ? capMs : (long) term;
    }

    /** The jittered backoff after {@code attempts} consecutive failures; draws one double from {@code random}. */
    public long backoffMs(int attempts, Random random) {
        long term = termMs(attempts);
        double factor = 1.0 - jitter + 2.0 * jitter * random.nextDouble();
        return Math.max(0L, Math.round(term * factor));
    }
}
