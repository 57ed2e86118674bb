package io.varve.broker.loop;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production runner: one daemon thread per {@link EventLoop}, Agrona's {@link AgentRunner}
 * calling {@link EventLoop#doWork} in a duty cycle. Between turns that found nothing to do the thread
 * parks until the next timer is due or a command is offered ({@link EventLoop#offer} unparks it),
 * never longer than {@code maxParkNs}: a node's loops cost no CPU while idle, and a command is
 * handled without a polling delay. An exception a turn throws is logged and the loop goes on; a
 * handler that must stop for good throws Agrona's {@code AgentTerminationException}.
 *
 * <p>Thread-safe. {@link #close} stops the loop after its current turn; it never interrupts a turn
 * that is writing a file (an interrupt closes a {@code FileChannel} under an fsync), unless the turn
 * is still running after {@link #CLOSE_TIMEOUT_MS}.
 */
public final class ThreadLoopRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadLoopRunner.class);

    /** The longest park between turns when no timer is due sooner: a bound on a missed wake-up. */
    public static final long DEFAULT_MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How long {@link #close} waits for the current turn before it interrupts the thread. */
    static final int CLOSE_TIMEOUT_MS = 10_000;

    private final EventLoop<?> loop;
    private final ParkUntilDue idle;
    private final AgentRunner runner;
    private final Thread thread;

    private ThreadLoopRunner(EventLoop<?> loop, long maxParkNs) {
        this.loop = loop;
        this.idle = new ParkUntilDue(loop, maxParkNs);
        this.runner = new AgentRunner(idle,
            error -> LOG.error("Event loop {} failed a turn", loop.roleName(), error), null, loop);
        Thread[] started = new Thread[1];
        AgentRunner.startOnThread(runner, r -> {
            Thread t = new Thread(r, loop.roleName());
            t.setDaemon(true);
            started[0] = t;
            // before start: an offer from now on unparks this thread
            loop.wakeup(() -> LockSupport.unpark(t));
            return t;
        });
        this.thread = started[0];
    }

    /** Starts {@code loop} on a thread of its own. */
    public static ThreadLoopRunner start(EventLoop<?> loop) {
        return start(loop, DEFAULT_MAX_PARK_NS);
    }

    /** Starts {@code loop} on a thread of its own, parking at most {@code maxParkNs} between idle turns. */
    public static ThreadLoopRunner start(EventLoop<?> loop, long maxParkNs) {
        if (maxParkNs <= 0) {
            throw new IllegalArgumentException("maxParkNs " + maxParkNs);
        }
        return new ThreadLoopRunner(loop, maxParkNs);
    }

    /** The loop's thread, named after the loop's role. */
    public Thread thread() {
        return thread;
    }

    /** Whether the calling thread is the loop's. */
    public boolean onLoopThread() {
        return Thread.currentThread() == thread;
    }

    /** Stops the loop after its current turn and waits for it; queued commands go to the handler's {@code onUnhandled}. */
    @Override
    public void close() {
        idle.stopping = true;
        LockSupport.unpark(thread); // out of a long park, to see that it must stop
        runner.close(CLOSE_TIMEOUT_MS, t -> LOG.warn("Event loop {} did not stop within {} ms; interrupting it",
            loop.roleName(), CLOSE_TIMEOUT_MS));
    }

    /**
     * Idles a loop until its next timer is due or a command arrives: parks (the offer unparks) for the
     * time left to the deadline, at most the cap. A permit left by an offer that came between the turn
     * and the park makes the park return at once, so no command waits out a whole park.
     */
    private static final class ParkUntilDue implements IdleStrategy {
        private final EventLoop<?> loop;
        private final long maxParkNs;
        private volatile boolean stopping;

        ParkUntilDue(EventLoop<?> loop, long maxParkNs) {
            this.loop = loop;
            this.maxParkNs = maxParkNs;
        }

        @Override
        public void idle(int workCount) {
            if (workCount <= 0) {
                idle();
            }
        }

        @Override
        public void idle() {
            if (stopping || loop.hasCommands()) {
                return;
            }
            long nowNs = loop.clock().nanoTime();
            if (loop.hasWorkAt(nowNs)) {
                return;
            }
            long deadlineNs = loop.nextDeadlineNs();
            long waitNs = deadlineNs == EventLoop.NO_DEADLINE ? maxParkNs
                : Math.min(maxParkNs, deadlineNs - nowNs);
            if (waitNs > 0) {
                LockSupport.parkNanos(this, waitNs);
            }
        }

        @Override
        public void reset() {
        }

        @Override
        public String alias() {
            return "park-until-due";
        }
    }
}
