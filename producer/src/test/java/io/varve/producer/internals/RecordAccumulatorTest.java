package io.varve.producer.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.client.Node;
import io.varve.client.metadata.Cluster;
import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.producer.ProducerException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batching, linger, draining and buffer.memory back-pressure, with time moved by hand. */
class RecordAccumulatorTest {

    private static final int BATCH_SIZE = 1_024;
    private static final long LINGER_MS = 5L;
    private static final long DELIVERY_TIMEOUT_MS = 1_000L;
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private static final TopicPartition P2 = new TopicPartition("t", 2);
    private static final Cluster CLUSTER = TestClusters.of("t", 1, 1, 2);

    private final ManualClock clock = new ManualClock();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private RecordAccumulator accumulator(long bufferMemory) {
        return new RecordAccumulator(BATCH_SIZE, LINGER_MS, DELIVERY_TIMEOUT_MS, new MemoryLimiter(bufferMemory, clock), clock);
    }

    private RecordAccumulator.AppendResult append(RecordAccumulator acc, TopicPartition tp, int valueBytes) throws InterruptedException {
        return acc.append(tp, clock.wallClockMs(), null, new byte[valueBytes], List.of(), null, false, clock.nanoTime());
    }

    @Test
    void recordsShareTheirPartitionsBatchUntilItIsFull() throws Exception {
        RecordAccumulator acc = accumulator(1 << 20);
        RecordAccumulator.AppendResult first = append(acc, P0, 100);
        assertTrue(first.newBatch());
        int appended = 1;
        RecordAccumulator.AppendResult r;
        do {
            r = append(acc, P0, 100);
            appended++;
        } while (!r.newBatch());
        assertTrue(r.batchFull(), "the batch that did not take the record is full, so the partition is ready");
        assertEquals(9, appended, "eight records of ~110 bytes fill 1024 bytes with the 61-byte header; the ninth opens a batch");
        Map<Node, List<ProducerBatch>> drained = acc.drain(CLUSTER, Set.of(TestClusters.NODE_1), 1 << 20, clock.monotonicMs(),
            new InFlightTracker(false, 5));
        assertEquals(1, drained.get(TestClusters.NODE_1).size(), "one batch per partition per request");
        assertEquals(8, drained.get(TestClusters.NODE_1).get(0).recordCount());
    }

    @Test
    void aBatchIsReadyAfterLingerMsOrWhenFlushed() throws Exception {
        RecordAccumulator acc = accumulator(1 << 20);
        append(acc, P0, 10);
        RecordAccumulator.ReadyCheck check = acc.ready(CLUSTER, clock.monotonicMs());
        assertTrue(check.readyNodes().isEmpty());
        assertEquals(LINGER_MS, check.nextReadyCheckDelayMs());

        clock.advanceMs(LINGER_MS - 1);
        assertTrue(acc.ready(CLUSTER, clock.monotonicMs()).readyNodes().isEmpty());
        acc.beginFlush();
        assertEquals(Set.of(TestClusters.NODE_1), acc.ready(CLUSTER, clock.monotonicMs()).readyNodes(), "a flush sends at once");
        acc.endFlush();
        clock.advanceMs(1);
        assertEquals(Set.of(TestClusters.NODE_1), acc.ready(CLUSTER, clock.monotonicMs()).readyNodes());
    }

    @Test
    void drainGroupsPartitionsByLeaderWithinMaxRequestSize() throws Exception {
        RecordAccumulator acc = accumulator(1 << 20);
        append(acc, P0, 500);
        append(acc, P1, 500);
        append(acc, P2, 500);
        clock.advanceMs(LINGER_MS);
        RecordAccumulator.ReadyCheck check = acc.ready(CLUSTER, clock.monotonicMs());
        assertEquals(Set.of(TestClusters.NODE_1, TestClusters.NODE_2), check.readyNodes());
        InFlightTracker tracker = new InFlightTracker(false, 5);
        Map<Node, List<ProducerBatch>> drained = acc.drain(CLUSTER, check.readyNodes(), 700, clock.monotonicMs(), tracker);
        assertEquals(1, drained.get(TestClusters.NODE_1).size(), "two 570-byte batches exceed a 700-byte request");
        assertEquals(1, drained.get(TestClusters.NODE_2).size());
        assertEquals(P2, drained.get(TestClusters.NODE_2).get(0).topicPartition());
        assertTrue(acc.hasUndrained());
        Map<Node, List<ProducerBatch>> rest = acc.drain(CLUSTER, Set.of(TestClusters.NODE_1), 700, clock.monotonicMs(), tracker);
        assertEquals(1, rest.get(TestClusters.NODE_1).size());
        assertFalse(acc.hasUndrained());
    }

    @Test
    void aPartitionWithoutLeaderIsReportedAndNotSent() throws Exception {
        RecordAccumulator acc = accumulator(1 << 20);
        append(acc, P0, 10);
        clock.advanceMs(LINGER_MS);
        RecordAccumulator.ReadyCheck check = acc.ready(TestClusters.of("t", -1), clock.monotonicMs());
        assertTrue(check.unknownLeaders());
        assertTrue(check.readyNodes().isEmpty());
    }

    @Test
    void sendBlocksWhenBufferMemoryIsSpentAndFailsAfterMaxBlock() throws Exception {
        RecordAccumulator acc = accumulator(2 * BATCH_SIZE);
        MemoryLimiter memory = memoryOf(acc);
        append(acc, P0, 10);
        append(acc, P1, 10);
        assertEquals(0, memory.availableBytes());
        long deadlineNs = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(60_000);
        CompletableFuture<RecordAccumulator.AppendResult> blocked = CompletableFuture.supplyAsync(() -> appendUntil(acc, P2, deadlineNs), executor);
        awaitTrue(memory::hasWaiters);
        assertFalse(blocked.isDone());
        clock.advanceMs(59_999);
        assertFalse(blocked.isDone(), "still within max.block.ms");
        clock.advanceMs(1);
        RecordAccumulator.AppendResult r = blocked.get(10, TimeUnit.SECONDS);
        assertNull(r.future());
        assertEquals(ProducerException.Reason.BUFFER_EXHAUSTED, r.error().reason());
    }

    @Test
    void aBlockedSendProceedsOnceABatchIsDone() throws Exception {
        RecordAccumulator acc = accumulator(2 * BATCH_SIZE);
        MemoryLimiter memory = memoryOf(acc);
        append(acc, P0, 10);
        append(acc, P1, 10);
        long deadlineNs = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(60_000);
        CompletableFuture<RecordAccumulator.AppendResult> blocked = CompletableFuture.supplyAsync(() -> appendUntil(acc, P2, deadlineNs), executor);
        awaitTrue(memory::hasWaiters);
        RecordAccumulator.ReadyCheck check = acc.ready(CLUSTER, clock.monotonicMs());
        assertEquals(Set.of(TestClusters.NODE_1), check.readyNodes(), "a waiting sender makes batches ready before linger.ms");
        List<ProducerBatch> sent = acc.drain(CLUSTER, check.readyNodes(), 1 << 20, clock.monotonicMs(), new InFlightTracker(false, 5))
            .get(TestClusters.NODE_1);
        sent.get(0).complete(0L, -1L);
        acc.deallocate(sent.get(0));
        RecordAccumulator.AppendResult r = blocked.get(10, TimeUnit.SECONDS);
        assertNotNull(r.future());
        assertTrue(r.newBatch());
    }

    @Test
    void queuedBatchesExpireAfterDeliveryTimeout() throws Exception {
        RecordAccumulator acc = accumulator(1 << 20);
        CompletableFuture<?> future = append(acc, P0, 10).future();
        clock.advanceMs(DELIVERY_TIMEOUT_MS - 1);
        assertTrue(acc.expire(clock.monotonicMs()).isEmpty());
        clock.advanceMs(1);
        List<ProducerBatch> expired = acc.expire(clock.monotonicMs());
        assertEquals(1, expired.size());
        assertFalse(future.isDone(), "the sender fails expired batches, on its thread");
    }

    @Test
    void aRetryGoesBackAheadOfNewerBatchesInSequenceOrder() throws Exception {
        RecordAccumulator acc = accumulator(1 << 20);
        InFlightTracker tracker = new InFlightTracker(true, 5);
        tracker.setProducerId(7L, (short) 0);
        append(acc, P0, 10);
        ProducerBatch first = acc.drain(CLUSTER, Set.of(TestClusters.NODE_1), 1 << 20, 0L, tracker).get(TestClusters.NODE_1).get(0);
        append(acc, P0, 10);
        ProducerBatch second = acc.drain(CLUSTER, Set.of(TestClusters.NODE_1), 1 << 20, 0L, tracker).get(TestClusters.NODE_1).get(0);
        append(acc, P0, 10);
        tracker.onResponse(second);
        tracker.onRetry(second, 0L);
        acc.reenqueue(second);
        tracker.onResponse(first);
        tracker.onRetry(first, 0L);
        acc.reenqueue(first);
        List<ProducerBatch> order = acc.removeAll();
        assertSame(first, order.get(0));
        assertSame(second, order.get(1));
        assertFalse(order.get(2).isClosed(), "the new batch stays last");
    }

    private static RecordAccumulator.AppendResult appendUntil(RecordAccumulator acc, TopicPartition tp, long deadlineNs) {
        try {
            return acc.append(tp, 0L, null, new byte[10], List.of(), null, false, deadlineNs);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MemoryLimiter memoryOf(RecordAccumulator acc) throws ReflectiveOperationException {
        var field = RecordAccumulator.class.getDeclaredField("memory");
        field.setAccessible(true);
        return (MemoryLimiter) field.get(acc);
    }

    /** Waits, without sleeping, for a condition another thread makes true; fails after 10 s. */
    static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.onSpinWait();
        }
    }
}
