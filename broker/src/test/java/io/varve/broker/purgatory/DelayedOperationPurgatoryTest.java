package io.varve.broker.purgatory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.purgatory.DelayedOperationPurgatory.WatchResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DelayedOperationPurgatoryTest {

    private final ManualDelayScheduler scheduler = new ManualDelayScheduler();
    private final DelayedOperationPurgatory<String> purgatory = new DelayedOperationPurgatory<>("produce", scheduler, 3);

    /** Completes once {@link #ready} is set; counts its callbacks. */
    static final class TestOp extends DelayedOperation {
        final AtomicBoolean ready = new AtomicBoolean();
        final AtomicInteger completions = new AtomicInteger();
        final AtomicInteger expirations = new AtomicInteger();

        TestOp(long delayMs) {
            super(delayMs);
        }

        @Override
        public boolean tryComplete() {
            return ready.get() && forceComplete();
        }

        @Override
        protected void onComplete() {
            completions.incrementAndGet();
        }

        @Override
        protected void onExpiration() {
            expirations.incrementAndGet();
        }
    }

    @Test
    void anOperationThatCanCompleteNowIsNeverWatched() {
        TestOp op = new TestOp(100);
        op.ready.set(true);
        assertEquals(WatchResult.COMPLETED, purgatory.tryCompleteElseWatch(op, List.of("p0")));
        assertEquals(1, op.completions.get());
        assertEquals(0, purgatory.watched());
        assertEquals(0, purgatory.keys());
        assertEquals(0, scheduler.pending());
    }

    @Test
    void anEventOnAWatchedKeyCompletesTheOperationAndCancelsItsTimer() {
        TestOp op = new TestOp(100);
        assertEquals(WatchResult.WATCHING, purgatory.tryCompleteElseWatch(op, List.of("p0")));
        assertEquals(1, purgatory.watching("p0"));
        assertEquals(0, purgatory.checkAndComplete("p0"), "condition not met yet");
        assertEquals(0, purgatory.checkAndComplete("p1"), "another key");

        op.ready.set(true);
        assertEquals(1, purgatory.checkAndComplete("p0"));
        assertEquals(1, op.completions.get());
        assertEquals(0, purgatory.watched());
        assertEquals(0, purgatory.keys());
        assertEquals(0, scheduler.pending(), "timer cancelled");
        scheduler.advance(1000);
        assertEquals(0, op.expirations.get());
        assertEquals(1, op.completions.get());
    }

    @Test
    void anOperationExpiresAtItsDeadlineExactlyOnce() {
        TestOp op = new TestOp(100);
        purgatory.tryCompleteElseWatch(op, List.of("p0", "p1"));
        scheduler.advance(99);
        assertFalse(op.isCompleted());

        scheduler.advance(1);
        assertEquals(1, op.completions.get());
        assertEquals(1, op.expirations.get());
        assertEquals(0, purgatory.watched());
        assertEquals(0, purgatory.keys(), "expired operations leave every watch list");
        op.ready.set(true);
        assertEquals(0, purgatory.checkAndComplete("p0"));
        assertEquals(1, op.completions.get());
    }

    @Test
    void completionThroughOneKeyLeavesTheOtherKeysWatchLists() {
        TestOp op = new TestOp(100);
        purgatory.tryCompleteElseWatch(op, List.of("p0", "p1", "p2"));
        op.ready.set(true);
        assertEquals(1, purgatory.checkAndComplete("p1"));
        assertEquals(0, purgatory.watching("p0"));
        assertEquals(0, purgatory.keys());
    }

    @Test
    void aFullPurgatoryRefusesToWatchUntilAPlaceFrees() {
        List<TestOp> ops = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestOp op = new TestOp(100);
            ops.add(op);
            assertEquals(WatchResult.WATCHING, purgatory.tryCompleteElseWatch(op, List.of("p0")));
        }
        TestOp refused = new TestOp(100);
        assertEquals(WatchResult.FULL, purgatory.tryCompleteElseWatch(refused, List.of("p0")));
        assertFalse(refused.isCompleted());
        assertEquals(3, purgatory.watched());

        TestOp completable = new TestOp(100);
        completable.ready.set(true);
        assertEquals(WatchResult.COMPLETED, purgatory.tryCompleteElseWatch(completable, List.of("p0")),
            "a full purgatory still completes what needs no waiting");

        ops.get(0).forceComplete();
        assertEquals(2, purgatory.watched());
        assertEquals(WatchResult.WATCHING, purgatory.tryCompleteElseWatch(refused, List.of("p0")));
    }

    @Test
    void racingEventsForceAndExpiryCompleteEachOperationExactlyOnce() throws Exception {
        DelayedOperationPurgatory<String> big = new DelayedOperationPurgatory<>("fetch", scheduler, 10_000);
        List<TestOp> ops = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            TestOp op = new TestOp(50);
            ops.add(op);
            assertEquals(WatchResult.WATCHING, big.tryCompleteElseWatch(op, List.of("p" + (i % 4), "p" + ((i + 1) % 4))));
            op.ready.set(true);
        }
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        CountDownLatch done = new CountDownLatch(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                    switch (id) {
                        case 0 -> scheduler.advance(50);
                        case 1 -> ops.forEach(DelayedOperation::forceComplete);
                        default -> {
                            for (int k = 0; k < 4; k++) {
                                big.checkAndComplete("p" + k);
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
            workers.add(worker);
            worker.start();
        }
        assertTrue(done.await(10, TimeUnit.SECONDS), "workers did not finish");
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertEquals(null, failure.get());
        for (TestOp op : ops) {
            assertEquals(1, op.completions.get());
            assertTrue(op.expirations.get() <= 1);
        }
        assertEquals(0, big.watched());
        assertEquals(0, big.keys());
    }

    @Test
    void theWheelSchedulerExpiresOperationsOnItsOwnThread() throws Exception {
        try (WheelDelayScheduler wheel = new WheelDelayScheduler("purgatory-test", 5, 100)) {
            DelayedOperationPurgatory<String> real = new DelayedOperationPurgatory<>("fetch", wheel, 10);
            CountDownLatch expired = new CountDownLatch(1);
            DelayedOperation op = new DelayedOperation(20) {
                @Override
                public boolean tryComplete() {
                    return false;
                }

                @Override
                protected void onComplete() {
                }

                @Override
                protected void onExpiration() {
                    expired.countDown();
                }
            };
            assertEquals(WatchResult.WATCHING, real.tryCompleteElseWatch(op, List.of("p0")));
            assertTrue(expired.await(10, TimeUnit.SECONDS));
            assertEquals(0, real.watched());
        }
    }
}
