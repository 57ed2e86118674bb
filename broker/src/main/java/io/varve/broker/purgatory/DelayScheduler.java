package io.varve.broker.purgatory;

/**
 * Runs a task once after a delay; the purgatory's only source of time. Production uses
 * {@link WheelDelayScheduler}; tests and simulations use {@link ManualDelayScheduler}.
 * Implementations are thread-safe.
 */
public interface DelayScheduler {

    /**
     * Runs {@code task} after {@code delayMs} on the scheduler's thread (or the thread that advances a
     * manual one). The task must be short and must not block.
     *
     * @return a handle that cancels the task if it has not run yet
     */
    Cancellable schedule(long delayMs, Runnable task);

    /** Cancels a scheduled task; cancelling a task that ran or was cancelled does nothing. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
