package io.varve.broker.loop;

/**
 * How a component's {@link EventLoop} gets run: on a thread of its own in production
 * ({@link #threads()}), or by a {@link SharedLoopScheduler} in a simulation
 * ({@link SharedLoopScheduler#starter()}). The component builds its loop and hands it here; the
 * returned handle stops it.
 */
@FunctionalInterface
public interface LoopStarter {

    /** Starts running {@code loop}; closing the handle stops it and hands back its queued commands. */
    AutoCloseable start(EventLoop<?> loop);

    /** One thread per loop ({@link ThreadLoopRunner}). */
    static LoopStarter threads() {
        return ThreadLoopRunner::start;
    }
}
