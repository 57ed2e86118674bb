package io.varve.client.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.client.ExponentialBackoff;
import io.varve.client.NetworkClientException;
import io.varve.common.ManualClock;
import io.varve.protocol.Errors;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries until success, a final error or the deadline; each attempt moves a manual clock by hand. */
class RetrierTest {

    private final ManualClock clock = new ManualClock();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Retrier retrier = new Retrier(clock, scheduler, ExponentialBackoff.of(0L, 0L), new Random(1));

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void retriesRetriableFailuresUntilAnAttemptSucceeds() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<String> result = retrier.run("op", clock.monotonicMs() + 1_000L, n -> {
            attempts.incrementAndGet();
            if (n == 0) {
                return CompletableFuture.failedFuture(new NetworkClientException(NetworkClientException.Reason.DISCONNECTED, "gone"));
            }
            if (n == 1) {
                return CompletableFuture.failedFuture(new Retrier.Retry("controller moved"));
            }
            return CompletableFuture.completedFuture("done");
        });
        assertEquals("done", result.get(5, TimeUnit.SECONDS));
        assertEquals(3, attempts.get());
    }

    @Test
    void aFinalErrorEndsTheOperationAtOnce() {
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<String> result = retrier.run("op", clock.monotonicMs() + 1_000L, n -> {
            attempts.incrementAndGet();
            throw new AdminException(Errors.TOPIC_ALREADY_EXISTS, "t: exists");
        });
        assertEquals(Errors.TOPIC_ALREADY_EXISTS, failure(result).error());
        assertEquals(1, attempts.get());
        assertEquals(Errors.UNSUPPORTED_VERSION, failure(retrier.run("op", clock.monotonicMs() + 1_000L,
            n -> CompletableFuture.failedFuture(
                new NetworkClientException(NetworkClientException.Reason.UNSUPPORTED_VERSION, "old broker")))).error());
    }

    @Test
    void givesUpWithRequestTimedOutNamingTheLastCauseOnceTheDeadlinePasses() {
        long deadlineMs = clock.monotonicMs() + 1_000L;
        CompletableFuture<String> result = retrier.run("describe topics", deadlineMs, n -> {
            clock.advanceMs(300L);
            return CompletableFuture.failedFuture(new Retrier.Retry("leader of t-0 not available"));
        });
        AdminException e = failure(result);
        assertEquals(Errors.REQUEST_TIMED_OUT, e.error());
        assertTrue(e.getMessage().startsWith("describe topics timed out after 4 attempt(s)"), e.getMessage());
        assertTrue(e.getMessage().endsWith("leader of t-0 not available"), e.getMessage());
    }

    private static AdminException failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(AdminException.class, e.getCause());
    }
}
