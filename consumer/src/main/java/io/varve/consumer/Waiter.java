package io.varve.consumer;

import io.varve.common.Clock;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How the polling thread lets time pass: waits on the {@link ConsumerNetwork} for the next completion,
 * against deadlines read from the consumer's {@link Clock}, and turns a {@link VarveConsumer#wakeup()}
 * into a {@link WakeupException}. Every blocking wait of the consumer goes through here.
 *
 * <p>Not thread-safe, except the wakeup flag, which any thread may set.
 */
final class Waiter {

    /** Longest single wait on the network: bounds how late a deadline is noticed if no event comes. */
    private static final long MAX_WAIT_SLICE_MS = 100L;

    private final ConsumerNetwork network;
    private final Clock clock;
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();

    Waiter(ConsumerNetwork network, Clock clock) {
        this.network = network;
        this.clock = clock;
    }

    long nowNs() {
        return clock.nanoTime();
    }

    /** A deadline {@code timeoutMs} from now, saturating. */
    long deadlineNs(long timeoutMs) {
        long now = clock.nanoTime();
        long ns = TimeUnit.MILLISECONDS.toNanos(Math.max(0L, timeoutMs));
        return ns > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ns;
    }

    void wakeup() {
        wakeupRequested.set(true);
        network.wakeup();
    }

    /** Throws {@link WakeupException} once per {@link #wakeup()}. */
    void checkWakeup() {
        if (wakeupRequested.getAndSet(false)) {
            throw new WakeupException();
        }
    }

    /** Waits for one network event or until the deadline; returns at once if the deadline passed. */
    void awaitEvent(long deadlineNs) {
        long leftNs = deadlineNs - clock.nanoTime();
        if (leftNs <= 0) {
            return;
        }
        long waitMs = Math.max(1L, Math.min(MAX_WAIT_SLICE_MS, TimeUnit.NANOSECONDS.toMillis(leftNs)));
        try {
            network.await(waitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsumerException("interrupted while waiting", e);
        }
        checkWakeup();
    }

    /** Waits until {@code future} completes; false if the deadline passed first. */
    boolean awaitDone(Future<?> future, long deadlineNs) {
        while (!future.isDone()) {
            if (clock.nanoTime() >= deadlineNs) {
                return false;
            }
            awaitEvent(deadlineNs);
        }
        return true;
    }

    /** Lets time pass until {@code untilNs}. */
    void sleepUntil(long untilNs) {
        while (clock.nanoTime() < untilNs) {
            awaitEvent(untilNs);
        }
    }
}
