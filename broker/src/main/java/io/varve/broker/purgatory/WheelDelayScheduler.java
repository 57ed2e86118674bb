package io.varve.broker.purgatory;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A {@link DelayScheduler} on Netty's {@link HashedWheelTimer}: one thread, O(1) schedule and cancel,
 * precision of one tick. Tasks run on the timer thread, so they must not block. The number of
 * pending tasks is bounded; scheduling beyond it throws {@link java.util.concurrent.RejectedExecutionException}.
 * Thread-safe.
 */
public final class WheelDelayScheduler implements DelayScheduler, AutoCloseable {

    private final HashedWheelTimer timer;

    /**
     * @param name       thread name
     * @param tickMs     wheel resolution (expiry precision), e.g. 10 ms
     * @param maxPending most tasks pending at once
     */
    public WheelDelayScheduler(String name, long tickMs, long maxPending) {
        this.timer = new HashedWheelTimer(new DefaultThreadFactory(name, true), tickMs, TimeUnit.MILLISECONDS,
            512, true, maxPending);
    }

    @Override
    public Cancellable schedule(long delayMs, Runnable task) {
        Timeout timeout = timer.newTimeout(t -> task.run(), delayMs, TimeUnit.MILLISECONDS);
        return timeout::cancel;
    }

    /** Stops the timer thread; tasks not yet run never run. */
    @Override
    public void close() {
        timer.stop();
    }
}
