package io.varve.producer.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.TopicPartition;
import io.varve.protocol.record.RecordBatchFlyweight;
import java.nio.ByteBuffer;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Sequence assignment and the in-flight rules of idempotence. */
class InFlightTrackerTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

    private static ProducerBatch batchOf(int records) {
        ProducerBatch b = new ProducerBatch(TP, 1_024, 0L, 120_000L);
        for (int i = 0; i < records; i++) {
            b.tryAppend(1_000L + i, null, new byte[] {(byte) i}, List.of(), List.of(), null);
        }
        return b;
    }

    private static RecordBatchFlyweight header(ProducerBatch b) {
        ByteBuffer bytes = ByteBuffer.allocate(b.estimatedSizeInBytes());
        b.records().copyTo(bytes);
        return new RecordBatchFlyweight().wrap(new UnsafeBuffer(bytes.array()), 0);
    }

    @Test
    void sequencesFollowRecordCountsPerPartitionAndLandInTheBatchHeader() {
        InFlightTracker tracker = new InFlightTracker(true, 5);
        assertFalse(tracker.hasProducerId());
        assertFalse(tracker.canSend(batchOf(1)), "nothing is sent before a producer id");
        tracker.setProducerId(42L, (short) 3);
        ProducerBatch a = batchOf(3);
        ProducerBatch b = batchOf(2);
        ProducerBatch c = batchOf(1);
        for (ProducerBatch x : List.of(a, b, c)) {
            assertTrue(tracker.canSend(x));
            tracker.onDrained(x);
        }
        assertEquals(List.of(0, 3, 5), List.of(a.baseSequence(), b.baseSequence(), c.baseSequence()));
        assertEquals(6, tracker.nextSequence(TP));
        RecordBatchFlyweight h = header(b);
        assertEquals(42L, h.producerId());
        assertEquals(3, h.producerEpoch());
        assertEquals(3, h.baseSequence());
        assertEquals(2, h.recordCount());
        assertEquals(0, tracker.nextSequence(new TopicPartition("t", 1)), "sequences are per partition");
    }

    @Test
    void atMostFiveBatchesOfAPartitionAreInFlight() {
        InFlightTracker tracker = new InFlightTracker(true, 5);
        tracker.setProducerId(1L, (short) 0);
        for (int i = 0; i < 5; i++) {
            ProducerBatch b = batchOf(1);
            assertTrue(tracker.canSend(b));
            tracker.onDrained(b);
        }
        assertFalse(tracker.canSend(batchOf(1)));
        assertEquals(5, tracker.inFlight(TP));
    }

    @Test
    void aRetryKeepsItsSequenceAndGoesAloneBeforeAnyNewerBatch() {
        InFlightTracker tracker = new InFlightTracker(true, 5);
        tracker.setProducerId(1L, (short) 0);
        ProducerBatch first = batchOf(2);
        ProducerBatch second = batchOf(2);
        tracker.onDrained(first);
        tracker.onDrained(second);
        // The first fails retriably; the second, behind it on the wire, sees a sequence gap.
        tracker.onResponse(first);
        tracker.onRetry(first, 100L);
        tracker.onResponse(second);
        assertTrue(tracker.hasEarlierUnresolved(second), "OUT_OF_ORDER for the second is retriable");
        tracker.onRetry(second, 100L);

        ProducerBatch newer = batchOf(1);
        assertFalse(tracker.canSend(newer), "a newer batch may not overtake the retries");
        assertFalse(tracker.canSend(second), "retries go lowest sequence first");
        assertTrue(tracker.canSend(first));
        tracker.onDrained(first);
        assertEquals(0, first.baseSequence(), "a retry keeps its sequence");
        assertFalse(tracker.canSend(second), "one retry in flight at a time");

        tracker.onResponse(first);
        tracker.onResolved(first, false);
        assertFalse(tracker.hasEarlierUnresolved(second));
        assertTrue(tracker.canSend(second));
        tracker.onDrained(second);
        assertEquals(2, second.baseSequence());
        tracker.onResponse(second);
        tracker.onResolved(second, false);
        assertTrue(tracker.canSend(newer), "retries done: new batches flow again");
        tracker.onDrained(newer);
        assertEquals(4, newer.baseSequence());
    }

    @Test
    void withoutIdempotenceBatchesCarryNoProducerId() {
        InFlightTracker tracker = new InFlightTracker(false, 1);
        ProducerBatch b = batchOf(1);
        assertTrue(tracker.canSend(b));
        tracker.onDrained(b);
        assertFalse(tracker.canSend(batchOf(1)), "max one in flight");
        RecordBatchFlyweight h = header(b);
        assertEquals(-1L, h.producerId());
        assertEquals(-1, h.baseSequence());
    }
}
