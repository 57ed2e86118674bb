package io.varve.broker.loop;

/**
 * The single-threaded state machine an {@link EventLoop} hosts. Every method runs on the loop's
 * thread (or, in shared mode, the scheduler's), one at a time, with the time of the turn passed in:
 * a handler reads no clock of its own.
 *
 * @param <C> the commands it takes
 */
public interface LoopHandler<C> {

    /** Handles one command taken from the queue, in arrival order. */
    void onCommand(C command, long nowNs);

    /**
     * Called at the end of every turn, after its commands and timers: the place to flush outputs that
     * a turn's events produced (persist, then send). Returns the work it did (0 for none), which keeps
     * the runner from idling while there is more.
     */
    default int onTurnEnd(long nowNs) {
        return 0;
    }

    /**
     * Whether the handler has work of its own outside the queue (results handed over by another
     * thread, then {@link EventLoop#wake()}): the runner does not idle, and a shared scheduler counts
     * the loop as ready, while it is true. Called on the loop's thread.
     */
    default boolean hasPendingWork() {
        return false;
    }

    /**
     * A command still queued when the loop closed: it will never be handled, so a command that
     * carries a future completes it here (exceptionally, or with a "stopped" answer).
     */
    default void onUnhandled(C command) {
    }

    /** Called once, on the runner's thread, when the loop stops, after {@link #onUnhandled}. */
    default void onClose() {
    }
}
