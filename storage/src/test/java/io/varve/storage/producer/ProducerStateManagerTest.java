package io.varve.storage.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.storage.producer.AppendCheck.Outcome;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's sequence and epoch rules, one test per rule, on batches built by kafka-clients. The
 * test plays the log: it checks an append, and when accepted feeds its batches back with the offsets
 * a log would assign from {@link #logEnd}.
 */
class ProducerStateManagerTest {

    static final long EXPIRATION_MS = 60_000;
    static final long NOW_MS = 1_767_225_600_000L;

    @TempDir
    Path dir;

    ProducerStateManager producers;
    long logEnd;

    @BeforeEach
    void setUp() {
        producers = new ProducerStateManager(dir, EXPIRATION_MS);
    }

    static UnsafeBuffer batch(long producerId, int epoch, int baseSequence, int records) {
        return batch(producerId, epoch, baseSequence, records, NOW_MS);
    }

    static UnsafeBuffer batch(long producerId, int epoch, int baseSequence, int records, long timestamp) {
        SimpleRecord[] simple = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            simple[i] = new SimpleRecord(timestamp, ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        ByteBuffer built = MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, (short) epoch, baseSequence,
            simple).buffer();
        byte[] copy = new byte[built.remaining()];
        built.get(copy);
        return new UnsafeBuffer(copy);
    }

    static UnsafeBuffer concat(UnsafeBuffer... batches) {
        int total = 0;
        for (UnsafeBuffer b : batches) {
            total += b.capacity();
        }
        UnsafeBuffer all = new UnsafeBuffer(new byte[total]);
        int position = 0;
        for (UnsafeBuffer b : batches) {
            all.putBytes(position, b, 0, b.capacity());
            position += b.capacity();
        }
        return all;
    }

    /** Checks {@code records} as a leader append; if accepted, writes it as a log would. */
    AppendCheck append(UnsafeBuffer records) {
        AppendCheck check = producers.checkLeaderAppend(records, 0, records.capacity());
        if (check.outcome() == Outcome.ACCEPT) {
            RecordBatchFlyweight flyweight = new RecordBatchFlyweight();
            for (int position = 0; position < records.capacity(); position += flyweight.sizeInBytes()) {
                flyweight.wrap(records, position);
                producers.onBatchAppended(flyweight, logEnd);
                logEnd += flyweight.lastOffsetDelta() + 1;
            }
        }
        return check;
    }

    @Test
    void anUnknownProducerMustStartAtSequenceZero() {
        assertEquals(Outcome.OUT_OF_ORDER_SEQUENCE, append(batch(7, 0, 5, 1)).outcome());
        assertEquals(Outcome.ACCEPT, append(batch(7, 0, 0, 3)).outcome());
        ProducerState state = producers.producer(7).orElseThrow();
        assertEquals(List.of(new BatchMetadata(0, 2, 0, 2, NOW_MS)), state.batches());
    }

    @Test
    void theSameEpochMustContinueAtLastSequencePlusOne() {
        append(batch(7, 0, 0, 3));
        assertEquals(Outcome.OUT_OF_ORDER_SEQUENCE, append(batch(7, 0, 4, 1)).outcome(), "a gap");
        assertEquals(Outcome.OUT_OF_ORDER_SEQUENCE, append(batch(7, 0, 2, 2)).outcome(), "an overlap");
        assertEquals(Outcome.ACCEPT, append(batch(7, 0, 3, 2)).outcome());
        assertEquals(4, producers.producer(7).orElseThrow().lastSequence());
    }

    @Test
    void aRetryOfOneOfTheLastFiveBatchesIsADuplicateWithItsOriginalOffsets() {
        for (int i = 0; i < 6; i++) {
            append(batch(7, 0, i * 2, 2)); // sequences 2i..2i+1 at offsets 2i..2i+1
        }
        for (int i = 1; i < 6; i++) {
            AppendCheck check = append(batch(7, 0, i * 2, 2));
            assertEquals(AppendCheck.duplicate(i * 2, i * 2 + 1), check, "retry of batch " + i);
        }
        assertEquals(12, logEnd, "a duplicate appends nothing");
    }

    @Test
    void aRetryOlderThanTheLastFiveBatchesIsOutOfOrder() {
        for (int i = 0; i < 6; i++) {
            append(batch(7, 0, i, 1));
        }
        assertEquals(Outcome.OUT_OF_ORDER_SEQUENCE, append(batch(7, 0, 0, 1)).outcome());
    }

    @Test
    void aDuplicateMustMatchBothSequencesAndTheEpoch() {
        append(batch(7, 0, 0, 3));
        assertEquals(Outcome.OUT_OF_ORDER_SEQUENCE, append(batch(7, 0, 0, 2)).outcome(), "same first, other last");
        append(batch(7, 1, 0, 3));
        assertEquals(Outcome.DUPLICATE, append(batch(7, 1, 0, 3)).outcome());
    }

    @Test
    void anOlderEpochIsFenced() {
        append(batch(7, 3, 0, 1));
        assertEquals(Outcome.INVALID_PRODUCER_EPOCH, append(batch(7, 2, 1, 1)).outcome());
        assertEquals(Outcome.INVALID_PRODUCER_EPOCH, append(batch(7, 2, 0, 1)).outcome());
    }

    @Test
    void aNewerEpochMustStartAtZeroAndForgetsTheOldBatches() {
        append(batch(7, 0, 0, 2));
        assertEquals(Outcome.OUT_OF_ORDER_SEQUENCE, append(batch(7, 1, 2, 1)).outcome());
        assertEquals(Outcome.ACCEPT, append(batch(7, 1, 0, 1)).outcome());
        ProducerState state = producers.producer(7).orElseThrow();
        assertEquals(1, state.epoch());
        assertEquals(1, state.batches().size());
        assertEquals(Outcome.INVALID_PRODUCER_EPOCH, append(batch(7, 0, 0, 2)).outcome(), "a retry of the old epoch");
    }

    @Test
    void sequencesWrapFromIntegerMaxValueToZero() {
        assertEquals(Integer.MAX_VALUE, BatchMetadata.addSequence(Integer.MAX_VALUE - 2, 2));
        assertEquals(1, BatchMetadata.addSequence(Integer.MAX_VALUE - 1, 3));
        producers.onBatchAppended(new RecordBatchFlyweight().wrap(batch(7, 0, Integer.MAX_VALUE - 1, 2), 0), 0);
        logEnd = 2;
        assertEquals(Integer.MAX_VALUE, producers.producer(7).orElseThrow().lastSequence());
        assertEquals(Outcome.OUT_OF_ORDER_SEQUENCE, append(batch(7, 0, 1, 1)).outcome());
        assertEquals(Outcome.ACCEPT, append(batch(7, 0, 0, 2)).outcome());
        assertEquals(Outcome.DUPLICATE, append(batch(7, 0, 0, 2)).outcome());
    }

    @Test
    void batchesOfOneAppendSeeEachOther() {
        assertEquals(Outcome.ACCEPT, append(concat(batch(7, 0, 0, 2), batch(8, 0, 0, 1), batch(7, 0, 2, 1))).outcome());
        assertEquals(2, producers.producer(7).orElseThrow().batches().size());
        assertEquals(Outcome.OUT_OF_ORDER_SEQUENCE, append(concat(batch(9, 0, 0, 2), batch(9, 0, 0, 2))).outcome(),
            "a batch repeated within one append is out of order");
        assertEquals(Outcome.INVALID_PRODUCER_EPOCH, append(concat(batch(9, 1, 0, 2), batch(9, 0, 2, 1))).outcome());
        assertTrue(producers.producer(9).isEmpty(), "a refused append changes nothing");
    }

    @Test
    void anAppendOfOnlyRetriesIsADuplicateSpanningTheirOffsets() {
        append(batch(7, 0, 0, 2));
        append(batch(8, 0, 0, 3));
        assertEquals(AppendCheck.duplicate(0, 4), append(concat(batch(7, 0, 0, 2), batch(8, 0, 0, 3))));
    }

    @Test
    void anAppendMixingRetriesWithNewBatchesIsRefused() {
        append(batch(7, 0, 0, 2));
        assertEquals(Outcome.OUT_OF_ORDER_SEQUENCE, append(concat(batch(7, 0, 0, 2), batch(7, 0, 2, 1))).outcome());
        assertEquals(Outcome.OUT_OF_ORDER_SEQUENCE, append(concat(batch(7, 0, 0, 2), batch(8, 0, 0, 1))).outcome());
        assertEquals(2, logEnd);
    }

    @Test
    void batchesWithoutAProducerIdAreNeitherCheckedNorRemembered() {
        UnsafeBuffer plain = batch(-1, -1, -1, 2);
        assertEquals(Outcome.ACCEPT, append(plain).outcome());
        assertEquals(Outcome.ACCEPT, append(plain).outcome());
        assertEquals(0, producers.producerCount());
    }

    @Test
    void aProducerBatchWithoutASequenceIsOutOfOrder() {
        UnsafeBuffer noSequence = batch(7, 0, 0, 1);
        // kafka-clients refuses to build it; the validator's CRC check runs before this one in the log.
        noSequence.putInt(RecordBatchFlyweight.BASE_SEQUENCE_OFFSET, -1, ByteOrder.BIG_ENDIAN);
        assertEquals(Outcome.OUT_OF_ORDER_SEQUENCE, append(noSequence).outcome());
    }

    @Test
    void followerAppendsAreNotCheckedAndKeepTheLastFiveBatches() {
        RecordBatchFlyweight flyweight = new RecordBatchFlyweight();
        producers.onBatchAppended(flyweight.wrap(batch(7, 2, 40, 1), 0), 100);
        producers.onBatchAppended(flyweight.wrap(batch(7, 1, 3, 1), 0), 101);
        assertEquals(1, producers.producer(7).orElseThrow().epoch(), "the leader decided; the follower copies");
        for (int i = 0; i < 7; i++) {
            producers.onBatchAppended(flyweight.wrap(batch(7, 1, 4 + i, 1), 0), 102 + i);
        }
        ProducerState state = producers.producer(7).orElseThrow();
        assertEquals(ProducerState.MAX_BATCHES, state.batches().size());
        assertEquals(104, state.batches().get(0).firstOffset());
        assertEquals(10, state.lastSequence());
    }

    @Test
    void producersExpireByTheirLastBatchTimestamp() {
        append(batch(7, 0, 0, 1, NOW_MS - EXPIRATION_MS));
        append(batch(8, 0, 0, 1, NOW_MS - EXPIRATION_MS + 1));
        assertEquals(1, producers.removeExpired(NOW_MS));
        assertFalse(producers.producer(7).isPresent());
        assertTrue(producers.producer(8).isPresent());
        assertEquals(Outcome.OUT_OF_ORDER_SEQUENCE, append(batch(7, 0, 1, 1)).outcome(), "an expired producer is unknown");
        assertEquals(Outcome.ACCEPT, append(batch(7, 0, 0, 1)).outcome());
    }
}
