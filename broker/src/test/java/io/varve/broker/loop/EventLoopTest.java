package io.varve.broker.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One loop driven turn by turn on a manual clock: commands, bounds, timers, close. */
class EventLoopTest {

    private final ManualClock clock = new ManualClock();
    private final List<String> trace = new ArrayList<>();
    private final LoopHandler<String> recorder = new LoopHandler<>() {
        @Override
        public void onCommand(String command, long nowNs) {
            trace.add(command + "@" + nowNs);
        }

        @Override
        public void onUnhandled(String command) {
            trace.add("unhandled " + command);
        }

        @Override
        public void onClose() {
            trace.add("closed");
        }
    };

    @Test
    void commandsAreHandledInArrivalOrderWithTheTurnsTime() {
        EventLoop<String> loop = new EventLoop<>("test", 16, clock, recorder);
        loop.offer("a");
        loop.offer("b");
        clock.advanceMs(5);

        assertEquals(2, loop.doWork());
        assertEquals(List.of("a@5000000", "b@5000000"), trace);
        assertEquals(0, loop.doWork());
    }

    @Test
    void aFullQueueRefusesTheCommandInsteadOfBlocking() {
        EventLoop<String> loop = new EventLoop<>("test", 2, clock, recorder);
        assertTrue(loop.offer("a"));
        assertTrue(loop.offer("b"));
        assertFalse(loop.offer("c"));
        assertEquals(2, loop.queuedCommands());
        assertThrows(IllegalArgumentException.class, () -> new EventLoop<>("test", 0, clock, recorder));
    }

    @Test
    void aTurnHandlesAtMostItsBoundOfCommands() {
        EventLoop<String> loop = new EventLoop<>("test", 1024, clock, recorder);
        for (int i = 0; i < EventLoop.MAX_COMMANDS_PER_TURN + 10; i++) {
            assertTrue(loop.offer("c" + i));
        }
        assertEquals(EventLoop.MAX_COMMANDS_PER_TURN, loop.doWork());
        assertEquals(10, loop.doWork());
        assertEquals(EventLoop.MAX_COMMANDS_PER_TURN + 10, trace.size());
    }

    @Test
    void timersFireWhenDueInDeadlineThenSchedulingOrder() {
        EventLoop<String> loop = new EventLoop<>("test", 16, clock, recorder);
        loop.schedule(ms(20), now -> trace.add("t20@" + now));
        loop.schedule(ms(10), now -> trace.add("t10a@" + now));
        loop.schedule(ms(10), now -> trace.add("t10b@" + now));
        LoopTimer cancelled = loop.schedule(ms(15), now -> trace.add("never"));
        cancelled.cancel();
        assertEquals(ms(10), loop.nextDeadlineNs());

        clock.advanceMs(9);
        assertFalse(loop.hasWorkAt(clock.nanoTime()));
        assertEquals(0, loop.doWork());
        clock.advanceMs(6);
        assertEquals(2, loop.doWork());
        assertEquals(ms(20), loop.nextDeadlineNs());
        clock.advanceMs(10);
        assertEquals(1, loop.doWork());

        assertEquals(List.of("t10a@15000000", "t10b@15000000", "t20@25000000"), trace);
        assertEquals(EventLoop.NO_DEADLINE, loop.nextDeadlineNs());
    }

    @Test
    void aPeriodicTimerFiresAPeriodAfterEachFiringUntilCancelled() {
        EventLoop<String> loop = new EventLoop<>("test", 16, clock, recorder);
        LoopTimer series = loop.every(ms(10), ms(10), now -> trace.add("tick@" + now / 1_000_000));
        for (int i = 0; i < 5; i++) {
            clock.advanceMs(10);
            loop.doWork();
        }
        clock.advanceMs(25); // a late turn fires once, not three times
        loop.doWork();
        series.cancel();
        clock.advanceMs(100);
        assertEquals(0, loop.doWork());

        assertEquals(List.of("tick@10", "tick@20", "tick@30", "tick@40", "tick@50", "tick@75"), trace);
    }

    @Test
    void closingHandsQueuedCommandsBackAndRefusesNewOnes() {
        EventLoop<String> loop = new EventLoop<>("test", 16, clock, recorder);
        loop.offer("a");
        loop.onClose();

        assertFalse(loop.offer("b"));
        assertTrue(loop.isClosed());
        assertEquals(List.of("unhandled a", "closed"), trace);
    }

    @Test
    void onTurnEndRunsAfterTheCommandsAndCountsAsWork() {
        List<String> order = new ArrayList<>();
        EventLoop<String> loop = new EventLoop<>("test", 16, clock, new LoopHandler<>() {
            @Override
            public void onCommand(String command, long nowNs) {
                order.add(command);
            }

            @Override
            public int onTurnEnd(long nowNs) {
                order.add("flush");
                return 1;
            }
        });
        loop.offer("a");
        assertEquals(2, loop.doWork());
        assertEquals(List.of("a", "flush"), order);
    }

    private static long ms(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }
}
