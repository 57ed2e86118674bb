package io.varve.client.admin;

import io.varve.common.Clock;

/**
 * The admin's time budget: an operation's deadline is {@code default.api.timeout.ms} from its
 * call, and each request within it may take {@code request.timeout.ms}, never past the deadline.
 * Times are monotonic milliseconds of the injected {@link Clock}. Immutable and thread-safe.
 */
record Deadlines(Clock clock, long apiTimeoutMs, long requestTimeoutMs) {

    /** The deadline of an operation that starts now. */
    long deadlineMs() {
        return clock.monotonicMs() + apiTimeoutMs;
    }

    /** How long the next request may wait for its response: at least 1 ms, at most what is left. */
    long requestTimeoutMs(long deadlineMs) {
        long leftMs = deadlineMs - clock.monotonicMs();
        return Math.max(1L, Math.min(requestTimeoutMs, leftMs));
    }
}
