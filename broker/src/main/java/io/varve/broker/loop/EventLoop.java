package io.varve.broker.loop;

import io.varve.common.Clock;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.LongConsumer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * One Singular Update Queue (DESIGN §5): a {@link LoopHandler} that only this loop's thread touches,
 * fed typed commands through a bounded queue, with timers, and the time of each turn read once from
 * an injected {@link Clock} and passed in as {@code nowNs}.
 *
 * <p>A turn ({@link #doWork}) reads the clock, handles at most {@link #MAX_COMMANDS_PER_TURN}
 * commands in arrival order, fires the timers that are due (in deadline order, at most
 * {@link #MAX_TIMERS_PER_TURN}), then calls {@link LoopHandler#onTurnEnd}. It is an Agrona
 * {@link Agent}, so that the same loop runs on its own thread ({@link ThreadLoopRunner}) in production
 * and, in a simulation, beside every other loop of a cluster in one thread ({@link SharedLoopScheduler}),
 * which decides the order of turns from a seed and moves a simulated clock to the next timer.
 *
 * <p>Thread-safety: {@link #offer} from any thread. Everything else ({@link #schedule},
 * {@link #doWork}, {@link #nextDeadlineNs}) from the thread that runs the loop.
 *
 * @param <C> the commands the loop takes
 */
public final class EventLoop<C> implements Agent {

    /** Commands handled per turn before timers get their chance (STYLE 8: a limit on every drain). */
    public static final int MAX_COMMANDS_PER_TURN = 256;
    /** Timers fired per turn; a timer scheduled for now by a firing one waits for the next turn. */
    public static final int MAX_TIMERS_PER_TURN = 256;
    /** What {@link #nextDeadlineNs} says when no timer is set. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private final String name;
    private final Clock clock;
    private final LoopHandler<C> handler;
    private final ManyToOneConcurrentArrayQueue<C> commands;
    private final PriorityQueue<LoopTimer> timers = new PriorityQueue<>();
    private long timerSequence;
    private volatile Runnable wakeup = () -> { };
    private volatile boolean closed;

    /**
     * @param name          the loop's role, for thread names and traces
     * @param queueCapacity commands that may wait; {@link #offer} refuses more
     */
    public EventLoop(String name, int queueCapacity, Clock clock, LoopHandler<C> handler) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity " + queueCapacity);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.commands = new ManyToOneConcurrentArrayQueue<>(queueCapacity);
    }

    /**
     * Queues {@code command} for the loop's thread and wakes it. Never blocks: false when the queue is
     * full or the loop is closed, and the caller answers with a retriable error (back pressure).
     */
    public boolean offer(C command) {
        Objects.requireNonNull(command, "command");
        if (closed || !commands.offer(command)) {
            return false;
        }
        wakeup.run();
        return true;
    }

    /** Fires {@code action} at {@code deadlineNs} (loop thread only). */
    public LoopTimer schedule(long deadlineNs, LongConsumer action) {
        LoopTimer timer = new LoopTimer(deadlineNs, timerSequence++, 0, action);
        timers.add(timer);
        return timer;
    }

    /**
     * Fires {@code action} every {@code periodNs}, the first time at {@code firstNs} (loop thread
     * only); cancelling the returned timer ends the series. A late turn does not bunch firings up: the
     * next one is a period after the one that fired.
     */
    public LoopTimer every(long firstNs, long periodNs, LongConsumer action) {
        if (periodNs <= 0) {
            throw new IllegalArgumentException("periodNs " + periodNs);
        }
        LoopTimer timer = new LoopTimer(firstNs, timerSequence++, periodNs, action);
        timers.add(timer);
        return timer;
    }

    /** One turn at the clock's time: commands, due timers, then {@link LoopHandler#onTurnEnd}. */
    @Override
    public int doWork() {
        return runTurn(clock.nanoTime());
    }

    private int runTurn(long nowNs) {
        int work = 0;
        C command;
        while (work < MAX_COMMANDS_PER_TURN && (command = commands.poll()) != null) {
            handler.onCommand(command, nowNs);
            work++;
        }
        for (int fired = 0; fired < MAX_TIMERS_PER_TURN && !timers.isEmpty(); fired++) {
            LoopTimer next = timers.peek();
            if (next.isCancelled()) {
                timers.poll();
                continue;
            }
            if (next.deadlineNs() - nowNs > 0) {
                break;
            }
            LoopTimer due = timers.poll();
            if (due.fire(nowNs, timerSequence)) {
                timerSequence++;
                timers.add(due);
            }
            work++;
        }
        return work + handler.onTurnEnd(nowNs);
    }

    /** The earliest live timer's deadline, or {@link #NO_DEADLINE} (loop thread only). */
    public long nextDeadlineNs() {
        LoopTimer next;
        while ((next = timers.peek()) != null && next.isCancelled()) {
            timers.poll();
        }
        return next == null ? NO_DEADLINE : next.deadlineNs();
    }

    /** Whether commands wait in the queue (any thread). */
    public boolean hasCommands() {
        return !commands.isEmpty();
    }

    /**
     * Whether a turn at {@code nowNs} would find work: a command, a timer due, or the handler's own
     * pending work (loop thread only).
     */
    public boolean hasWorkAt(long nowNs) {
        return hasCommands() || handler.hasPendingWork() || nextDeadlineNs() - nowNs <= 0;
    }

    /**
     * Wakes the loop's runner without a command (any thread): for a handler that was handed a result
     * outside the queue ({@link LoopHandler#hasPendingWork}).
     */
    public void wake() {
        wakeup.run();
    }

    /** Commands waiting (any thread; approximate while others offer). */
    public int queuedCommands() {
        return commands.size();
    }

    /** Sets what {@link #offer} runs after queueing: the runner's way to wake a parked thread. */
    void wakeup(Runnable wakeup) {
        this.wakeup = Objects.requireNonNull(wakeup, "wakeup");
    }

    Clock clock() {
        return clock;
    }

    /** Refuses further commands; those still queued go to {@link LoopHandler#onUnhandled} (on the runner's thread). */
    @Override
    public void onClose() {
        closed = true;
        C command;
        while ((command = commands.poll()) != null) {
            handler.onUnhandled(command);
        }
        handler.onClose();
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public String roleName() {
        return name;
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + ", " + commands.size() + " queued, " + timers.size() + " timers]";
    }
}
