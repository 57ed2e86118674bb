package io.varve.broker.loop;

import io.varve.common.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The shared mode: every {@link EventLoop} of every node of a cluster, run in one thread on one
 * simulated clock, in an order drawn from a seed (whole-cluster deterministic simulation, DESIGN §5
 * and §7 tier 2). Each {@link #step} runs one turn of one loop that has work (a queued command or a
 * timer due now), chosen by the seeded random among the loops in the order they were added; when no
 * loop has work, the clock jumps to the earliest timer. The loops' clock must be this scheduler's
 * {@link #clock()}, and nothing else may run them. So the same seed and the same inputs give the same
 * sequence of turns, event for event: a failing seed replays exactly.
 *
 * <p>Not thread-safe: the simulation's one thread.
 */
public final class SharedLoopScheduler {

    private final ManualClock clock;
    private final Random random;
    private final List<EventLoop<?>> loops = new ArrayList<>();
    private final List<EventLoop<?>> ready = new ArrayList<>();
    private long turns;

    /** @param seed decides the order of turns; the same seed replays the same order */
    public SharedLoopScheduler(long seed, ManualClock clock) {
        this.clock = clock;
        this.random = new Random(seed);
    }

    /** The simulated clock every loop added here must read. */
    public ManualClock clock() {
        return clock;
    }

    /** Adds a loop; it must read {@link #clock()}. Its offers need no wake-up: this thread polls it. */
    public void add(EventLoop<?> loop) {
        if (loop.clock() != clock) {
            throw new IllegalArgumentException("loop " + loop.roleName() + " reads another clock than the scheduler's");
        }
        loops.add(loop);
    }

    /**
     * Adds each loop a component starts, and stops it (removed, then closed: its queued commands are
     * handed back) when the component closes it.
     */
    public LoopStarter starter() {
        return loop -> {
            add(loop);
            return () -> {
                remove(loop);
                loop.onClose();
            };
        };
    }

    /** Removes a loop (a node that crashed or stopped); its queued commands stay unhandled. */
    public void remove(EventLoop<?> loop) {
        loops.remove(loop);
    }

    /**
     * Runs one turn of one loop with work, or, when none has any, moves the clock to the earliest
     * timer (not past {@code limitNs}).
     *
     * @return the loop that ran, or null when the clock moved instead or nothing is left to do before
     *         {@code limitNs}
     */
    public EventLoop<?> step(long limitNs) {
        long nowNs = clock.nanoTime();
        ready.clear();
        long earliest = EventLoop.NO_DEADLINE;
        for (EventLoop<?> loop : loops) {
            if (loop.hasWorkAt(nowNs)) {
                ready.add(loop);
            } else {
                earliest = Math.min(earliest, loop.nextDeadlineNs());
            }
        }
        if (!ready.isEmpty()) {
            EventLoop<?> chosen = ready.get(random.nextInt(ready.size()));
            chosen.doWork();
            turns++;
            return chosen;
        }
        long target = Math.min(earliest, limitNs);
        if (target > nowNs) {
            clock.advance(target - nowNs, TimeUnit.NANOSECONDS);
        }
        return null;
    }

    /**
     * Steps until the clock reaches {@code deadlineNs} with nothing left to do before it, or
     * {@code maxTurns} turns ran (a bound, so a livelock fails a test instead of hanging it).
     *
     * @return the turns run
     */
    public long runUntil(long deadlineNs, long maxTurns) {
        long start = turns;
        while (turns - start < maxTurns) {
            EventLoop<?> ran = step(deadlineNs);
            if (ran == null && clock.nanoTime() >= deadlineNs) {
                // one last look: work that is due exactly at the deadline runs too
                if (loops.stream().noneMatch(l -> l.hasWorkAt(deadlineNs))) {
                    break;
                }
            }
        }
        return turns - start;
    }

    /** Runs for {@code ms} of simulated time (bounded by {@code maxTurns}). */
    public long runForMs(long ms, long maxTurns) {
        return runUntil(clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms), maxTurns);
    }

    /** Turns run so far. */
    public long turns() {
        return turns;
    }
}
