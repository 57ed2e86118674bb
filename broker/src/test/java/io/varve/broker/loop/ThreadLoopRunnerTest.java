package io.varve.broker.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The production runner: a thread of its own, woken by offers, timers on an injected clock, a clean stop. */
class ThreadLoopRunnerTest {

    private static final long WAIT_S = 10;

    @Test
    void commandsRunOnTheLoopsOwnThreadInOrder() throws InterruptedException {
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        EventLoop<String> loop = new EventLoop<>("runner-test", 16, new ManualClock(), (command, nowNs) -> {
            seen.add(command + " on " + Thread.currentThread().getName());
            three.countDown();
        });
        // a park far longer than the test may wait: only the offer's wake-up can make this pass
        try (ThreadLoopRunner runner = ThreadLoopRunner.start(loop, TimeUnit.HOURS.toNanos(1))) {
            assertEquals("runner-test", runner.thread().getName());
            assertTrue(runner.thread().isDaemon());
            for (String c : List.of("a", "b", "c")) {
                assertTrue(loop.offer(c));
            }
            assertTrue(three.await(WAIT_S, TimeUnit.SECONDS));
            assertFalse(runner.onLoopThread());
        }
        assertEquals(List.of("a on runner-test", "b on runner-test", "c on runner-test"), seen);
    }

    @Test
    void aTimerFiresOnTheInjectedClockNotTheWallClock() throws InterruptedException {
        ManualClock clock = new ManualClock();
        CountDownLatch fired = new CountDownLatch(1);
        long[] firedAt = new long[1];
        EventLoop<Runnable> loop = new EventLoop<>("timer-test", 16, clock, (command, nowNs) -> command.run());
        try (ThreadLoopRunner runner = ThreadLoopRunner.start(loop, TimeUnit.MILLISECONDS.toNanos(1))) {
            CountDownLatch scheduled = new CountDownLatch(1);
            loop.offer(() -> {
                loop.schedule(TimeUnit.SECONDS.toNanos(30), now -> {
                    firedAt[0] = now;
                    fired.countDown();
                });
                scheduled.countDown();
            });
            assertTrue(scheduled.await(WAIT_S, TimeUnit.SECONDS));
            // thirty simulated seconds have not passed: the timer waits however long the thread idles
            assertEquals(1, fired.getCount());
            clock.advance(30, TimeUnit.SECONDS);
            assertTrue(fired.await(WAIT_S, TimeUnit.SECONDS));
        }
        assertEquals(TimeUnit.SECONDS.toNanos(30), firedAt[0]);
    }

    @Test
    void closeStopsTheThreadAndHandsBackWhatWasQueued() throws InterruptedException {
        List<String> unhandled = new CopyOnWriteArrayList<>();
        List<String> handled = new CopyOnWriteArrayList<>();
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EventLoop<String> loop = new EventLoop<>("close-test", 16, new ManualClock(), new LoopHandler<>() {
            @Override
            public void onCommand(String command, long nowNs) {
                handled.add(command);
                blocked.countDown();
                try {
                    release.await(WAIT_S, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onUnhandled(String command) {
                unhandled.add(command);
            }
        });
        ThreadLoopRunner runner = ThreadLoopRunner.start(loop);
        loop.offer("first");
        assertTrue(blocked.await(WAIT_S, TimeUnit.SECONDS));
        loop.offer("second");
        release.countDown();
        runner.close();

        assertFalse(runner.thread().isAlive());
        assertTrue(loop.isClosed());
        assertFalse(loop.offer("third"));
        // "second" was either handled before the stop or handed back: never lost silently
        assertEquals("first", handled.get(0));
        assertEquals(2, handled.size() + unhandled.size());
    }
}
