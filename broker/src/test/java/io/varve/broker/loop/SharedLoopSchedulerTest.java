package io.varve.broker.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shared mode: three "nodes" whose loops ping each other through their queues and tick on timers,
 * all in this thread on one simulated clock. The same seed must give the same trace, event for event.
 */
class SharedLoopSchedulerTest {

    /** A loop that answers each ping by pinging the next node, and records every event with its time. */
    private static final class PingNode implements LoopHandler<Integer> {
        private final String name;
        private final List<String> trace;
        private EventLoop<Integer> next;

        PingNode(String name, List<String> trace) {
            this.name = name;
            this.trace = trace;
        }

        @Override
        public void onCommand(Integer hops, long nowNs) {
            trace.add(name + " ping " + hops + " @" + nowNs);
            if (hops > 0) {
                next.offer(hops - 1);
            }
        }
    }

    private static List<String> run(long seed) {
        List<String> trace = new ArrayList<>();
        SharedLoopScheduler scheduler = new SharedLoopScheduler(seed, new ManualClock());
        List<EventLoop<Integer>> loops = new ArrayList<>();
        List<PingNode> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            PingNode node = new PingNode("n" + i, trace);
            EventLoop<Integer> loop = new EventLoop<>("n" + i, 64, scheduler.clock(), node);
            nodes.add(node);
            loops.add(loop);
            scheduler.add(loop);
            String name = "n" + i;
            long periodMs = 7 + 3L * i;
            loop.every(ms(periodMs), ms(periodMs), now -> trace.add(name + " tick @" + now));
        }
        for (int i = 0; i < 3; i++) {
            nodes.get(i).next = loops.get((i + 1) % 3);
            loops.get(i).offer(5 + i);
        }
        scheduler.runUntil(ms(100), 10_000);
        return trace;
    }

    @Test
    void theSameSeedReplaysTheSameTraceEventForEvent() {
        List<String> first = run(42);
        List<String> second = run(42);

        assertEquals(second, first);
        // three chains of 6, 7 and 8 pings, and every tick of the 100 ms
        assertEquals(6 + 7 + 8, first.stream().filter(e -> e.contains(" ping ")).count());
        assertEquals(100 / 7, first.stream().filter(e -> e.startsWith("n0 tick")).count());
        assertEquals(100 / 10, first.stream().filter(e -> e.startsWith("n1 tick")).count());
        assertEquals(100 / 13, first.stream().filter(e -> e.startsWith("n2 tick")).count());
    }

    @Test
    void differentSeedsInterleaveTheLoopsDifferently() {
        Set<List<String>> traces = new HashSet<>();
        for (long seed = 0; seed < 8; seed++) {
            traces.add(run(seed));
        }
        assertTrue(traces.size() > 1);
    }

    @Test
    void theClockJumpsToTheEarliestTimerWhenNoLoopHasWork() {
        SharedLoopScheduler scheduler = new SharedLoopScheduler(1, new ManualClock());
        List<Long> fired = new ArrayList<>();
        EventLoop<Integer> loop = new EventLoop<>("only", 4, scheduler.clock(), (c, now) -> { });
        scheduler.add(loop);
        loop.schedule(ms(250), fired::add);
        loop.schedule(ms(40), fired::add);

        assertNull(scheduler.step(Long.MAX_VALUE));
        assertEquals(ms(40), scheduler.clock().nanoTime());
        assertSame(loop, scheduler.step(Long.MAX_VALUE));
        assertNull(scheduler.step(ms(100))); // not past the limit
        assertEquals(ms(100), scheduler.clock().nanoTime());
        assertEquals(1, scheduler.runUntil(ms(1000), 100));

        assertEquals(List.of(ms(40), ms(250)), fired);
        assertEquals(ms(1000), scheduler.clock().nanoTime());
        assertEquals(2, scheduler.turns());
    }

    @Test
    void aLoopOnAnotherClockIsRefused() {
        SharedLoopScheduler scheduler = new SharedLoopScheduler(1, new ManualClock());
        EventLoop<Integer> wrong = new EventLoop<>("wrong", 4, new ManualClock(), (c, now) -> { });
        assertThrows(IllegalArgumentException.class, () -> scheduler.add(wrong));
    }

    @Test
    void aLivelockIsBoundedByTheTurnLimit() {
        SharedLoopScheduler scheduler = new SharedLoopScheduler(1, new ManualClock());
        EventLoop<Integer>[] self = new EventLoop[1];
        self[0] = new EventLoop<>("spin", 4, scheduler.clock(), (c, now) -> self[0].offer(c));
        scheduler.add(self[0]);
        self[0].offer(1);

        assertEquals(500, scheduler.runUntil(ms(10), 500));
        assertEquals(0L, scheduler.clock().nanoTime());
    }

    private static long ms(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }
}
