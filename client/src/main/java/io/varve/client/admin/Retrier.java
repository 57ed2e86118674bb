package io.varve.client.admin;

import io.varve.client.ExponentialBackoff;
import io.varve.client.NetworkClientException;
import io.varve.common.Clock;
import io.varve.protocol.Errors;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs one admin operation's attempts until one succeeds, one fails for good, or the operation's
 * deadline would pass before the next try. An attempt asks to be retried by failing with
 * {@link Retry}, or fails with a {@linkplain NetworkClientException#isRetriable() retriable}
 * transport error; anything else ends the operation. Between tries it waits
 * {@code retry.backoff.ms}, doubling up to {@code retry.backoff.max.ms}, with jitter.
 *
 * <p>Failures reach the caller as {@link AdminException}: the attempt's own, a transport failure
 * mapped to a Kafka error, or {@link Errors#REQUEST_TIMED_OUT} naming the last retriable cause.
 *
 * <p>Thread-safe. Waits are scheduled on the admin's scheduler; operations waiting there are
 * tracked so that {@link #close()} can fail them. The random source is drawn under its own lock.
 */
final class Retrier {

    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ExponentialBackoff backoff;
    private final Random random;
    private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();

    Retrier(Clock clock, ScheduledExecutorService scheduler, ExponentialBackoff backoff, Random random) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.random = random;
    }

    /** An attempt's request to be tried again, with the reason it gives for the timeout message. */
    static final class Retry extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Retry(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Runs {@code attempt} (given the attempt number from 0) until it completes, fails for good or
     * {@code deadlineMs} (monotonic ms of the clock) comes.
     *
     * @param what names the operation in the timeout message
     */
    <T> CompletableFuture<T> run(String what, long deadlineMs, IntFunction<CompletableFuture<T>> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        tryOnce(what, deadlineMs, attempt, 0, result);
        return result;
    }

    private <T> void tryOnce(String what, long deadlineMs, IntFunction<CompletableFuture<T>> attempt, int n,
            CompletableFuture<T> result) {
        CompletableFuture<T> once;
        try {
            once = attempt.apply(n);
        } catch (RuntimeException e) {
            once = CompletableFuture.failedFuture(e);
        }
        once.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable cause = unwrap(error);
            if (!isRetriable(cause)) {
                result.completeExceptionally(toAdminException(cause));
                return;
            }
            long waitMs = nextBackoffMs(n);
            long nowMs = clock.monotonicMs();
            if (nowMs + waitMs >= deadlineMs) {
                result.completeExceptionally(new AdminException(Errors.REQUEST_TIMED_OUT,
                    what + " timed out after " + (n + 1) + " attempt(s); last error: " + cause.getMessage(), cause));
                return;
            }
            waiting.add(result);
            try {
                scheduler.schedule(() -> {
                    if (waiting.remove(result)) {
                        tryOnce(what, deadlineMs, attempt, n + 1, result);
                    }
                }, waitMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                waiting.remove(result);
                result.completeExceptionally(closedException(cause));
            }
        });
    }

    /**
     * Fails every operation waiting for its next try; call after shutting the scheduler down, so no
     * new wait begins (a wait that would begin fails at once).
     */
    void close() {
        for (CompletableFuture<?> result : waiting) {
            if (waiting.remove(result)) {
                result.completeExceptionally(closedException(null));
            }
        }
    }

    private static AdminException closedException(Throwable cause) {
        return new AdminException(Errors.NETWORK_EXCEPTION, "the admin client is closed", cause);
    }

    private long nextBackoffMs(int attempts) {
        synchronized (random) {
            return backoff.backoffMs(attempts, random);
        }
    }

    static boolean isRetriable(Throwable t) {
        return t instanceof Retry || t instanceof NetworkClientException n && n.isRetriable();
    }

    /** The cause inside the wrappers {@link CompletableFuture} adds. */
    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** Maps any failure to the exception callers see. */
    static AdminException toAdminException(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof AdminException a) {
            return a;
        }
        if (c instanceof NetworkClientException n) {
            Errors error = switch (n.reason()) {
                case UNSUPPORTED_VERSION -> Errors.UNSUPPORTED_VERSION;
                case REQUEST_TIMED_OUT -> Errors.REQUEST_TIMED_OUT;
                default -> Errors.NETWORK_EXCEPTION;
            };
            return new AdminException(error, n.getMessage(), n);
        }
        return new AdminException(Errors.UNKNOWN_SERVER_ERROR, String.valueOf(c.getMessage()), c);
    }
}
