package io.varve.broker.handler;

import static io.varve.broker.replica.ReplicaFixture.OTHER_NODE;
import static io.varve.broker.replica.ReplicaFixture.partitionRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.handler.Answers.Answer;
import io.varve.broker.replica.Batches;
import io.varve.broker.purgatory.DelayedOperationPurgatory;
import io.varve.broker.purgatory.ManualDelayScheduler;
import io.varve.broker.replica.ReplicaFixture;
import io.varve.common.TopicPartition;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.Records;
import io.varve.protocol.generated.ProduceRequest;
import io.varve.protocol.generated.ProduceResponse;
import io.varve.protocol.generated.ProduceResponse.PartitionProduceResponse;
import io.varve.storage.LogSlice;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Produce on the event loop: validate, append under the partition's lock, answer. A refused batch
 * leaves the log as it was; an idempotent retry is answered with the offset it first got (pattern:
 * Idempotent Receiver); the fetch purgatory hears of every append that wrote something.
 */
class ProduceHandlerTest {

    @TempDir
    Path dir;
    private ReplicaFixture fixture;
    private ProduceHandler handler;
    private DelayedOperationPurgatory<TopicPartition> purgatory;
    private final Answers answers = new Answers();
    private final List<TopicPartition> appendEvents = new ArrayList<>();
    private UUID ordersId;

    @BeforeEach
    void setUp() throws Exception {
        fixture = ReplicaFixture.open(dir);
        purgatory = new DelayedOperationPurgatory<>("produce", new ManualDelayScheduler(), 16);
        handler = new ProduceHandler(fixture.replicas(), purgatory);
        fixture.replicas().onAppend(appendEvents::add);
        ordersId = fixture.createTopic("orders", 2);
    }

    @AfterEach
    void tearDown() throws Exception {
        Answers.assertEveryLogDeletesCleanly(fixture.logs());
        fixture.close();
    }

    private Answer produce(String transactionalId, short acks, String topic, int partition, ByteBuffer batch) {
        ProduceRequest request = new ProduceRequest(transactionalId, acks, 30_000, List.of(
            new ProduceRequest.TopicProduceData(topic, new java.util.UUID(0L, 0L), List.of(new ProduceRequest.PartitionProduceData(partition,
                batch == null ? null : Records.of(batch))))));
        Answer answer = answers.next();
        handler.handle(Answers.context(ApiKey.PRODUCE, 11), request, answer);
        return answer;
    }

    private Answer produce(short acks, ByteBuffer batch) {
        return produce(null, acks, "orders", 0, batch);
    }

    private static PartitionProduceResponse only(Answer answer) {
        ProduceResponse response = answer.get();
        assertEquals(1, response.responses().size());
        return response.responses().get(0).partitionResponses().get(0);
    }

    private long logEnd() {
        return fixture.partition("orders", 0).logEndOffset();
    }

    @Test
    void fromVersion13TopicsAreNamedByIdAndAnUnknownIdIsReported() {
        UUID unknown = UUID.randomUUID();
        ProduceRequest request = new ProduceRequest(null, (short) 1, 30_000, List.of(
            new ProduceRequest.TopicProduceData("", ordersId, List.of(
                new ProduceRequest.PartitionProduceData(0, Records.of(Batches.of(1L, "a"))))),
            new ProduceRequest.TopicProduceData("", unknown, List.of(
                new ProduceRequest.PartitionProduceData(0, Records.of(Batches.of(1L, "b")))))));
        Answer answer = answers.next();
        handler.handle(Answers.context(ApiKey.PRODUCE, 13), request, answer);

        ProduceResponse response = answer.get();
        assertEquals(2, response.responses().size());
        assertEquals(ordersId, response.responses().get(0).topicId());
        assertEquals(Errors.NONE.code, response.responses().get(0).partitionResponses().get(0).errorCode());
        assertEquals(unknown, response.responses().get(1).topicId());
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code, response.responses().get(1).partitionResponses().get(0).errorCode());
        assertEquals(1, logEnd(), "only the known topic's batch was written");
    }

    @ParameterizedTest
    @ValueSource(shorts = {1, -1})
    void acksOneAndAllAreAnsweredWithTheBaseOffsetOnceWritten(short acks) {
        PartitionProduceResponse first = only(produce(acks, Batches.of(1L, "a", "b")));
        PartitionProduceResponse second = only(produce(acks, Batches.of(2L, "c")));

        assertEquals(Errors.NONE.code, first.errorCode());
        assertEquals(0, first.baseOffset());
        assertEquals(2, second.baseOffset());
        assertEquals(0, second.logStartOffset());
        assertEquals(3, logEnd(), "one replica: acks=all is committed as soon as it is written");
        assertEquals(List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 0)), appendEvents);
    }

    /**
     * The fixed-rate comparison suspected acks=all answers waiting on the purgatory's timer. With the
     * leader as the whole ISR the append itself moves the high-water mark past the batch, so the
     * answer is given on the append, in the handler's own call: nothing is watched and no timer runs
     * (the manual scheduler is never advanced here).
     */
    @Test
    void acksAllToASingleReplicaIsAnsweredOnTheAppendWithoutWaitingInThePurgatory() {
        for (long timestampMs = 1; timestampMs <= 5; timestampMs++) {
            Answer answer = produce((short) -1, Batches.of(timestampMs, "r" + timestampMs));
            assertTrue(answer.answered(), "answered within the handler's call, batch " + timestampMs);
            assertEquals(0, purgatory.watched(), "nothing waits in the purgatory");
            assertEquals(0, purgatory.keys(), "no partition is watched");
        }
        assertEquals(5, fixture.partition("orders", 0).highWatermark());
    }

    @Test
    void acksZeroAppendsAndSendsNoResponse() {
        Answer answer = produce((short) 0, Batches.of(1L, "fire-and-forget"));

        assertTrue(answer.answered(), "the in-flight slot is still freed");
        assertNull(answer.get());
        assertEquals(1, logEnd());
    }

    @ParameterizedTest
    @ValueSource(shorts = {2, -2, 5})
    void anyOtherAcksIsRefusedAndNothingIsAppended(short acks) {
        assertEquals(Errors.INVALID_REQUIRED_ACKS.code, only(produce(acks, Batches.of(1L, "a"))).errorCode());
        assertEquals(0, logEnd());
        assertEquals(List.of(), appendEvents);
    }

    @Test
    void transactionalProduceIsRefusedWithoutACoordinator() {
        PartitionProduceResponse refused = only(produce("tx-1", (short) -1, "orders", 0, Batches.of(1L, "a")));

        assertEquals(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code, refused.errorCode());
        assertEquals(0, logEnd());
    }

    @Test
    void aBatchWithABadCrcIsCorruptAndNothingIsAppended() {
        produce((short) 1, Batches.of(1L, "before"));
        ByteBuffer corrupt = Batches.of(1L, "flipped");
        corrupt.put(corrupt.limit() - 1, (byte) (corrupt.get(corrupt.limit() - 1) ^ 0x01));

        PartitionProduceResponse response = only(produce((short) 1, corrupt));

        assertEquals(Errors.CORRUPT_MESSAGE.code, response.errorCode());
        assertEquals(-1, response.baseOffset());
        assertEquals(1, logEnd());
        assertEquals(1, appendEvents.size(), "no append event for a refused batch");
        try (LogSlice slice = fixture.partition("orders", 0).read(0, 1 << 16)) {
            assertEquals(List.of("before"), Batches.values(copy(slice)));
        }
    }

    private static ByteBuffer copy(LogSlice slice) {
        byte[] bytes = new byte[slice.sizeInBytes()];
        slice.buffer().getBytes(0, bytes);
        return ByteBuffer.wrap(bytes);
    }

    @Test
    void aTruncatedBatchIsRefusedAndNothingIsAppended() {
        ByteBuffer whole = Batches.of(1L, "a", "b");
        ByteBuffer truncated = whole.slice(0, whole.remaining() - 3);

        PartitionProduceResponse response = only(produce((short) 1, truncated));

        assertEquals(Errors.INVALID_RECORD.code, response.errorCode());
        assertEquals(0, logEnd());
    }

    @Test
    void anEmptyOrMissingRecordsFieldIsAnInvalidRecord() {
        assertEquals(Errors.INVALID_RECORD.code, only(produce((short) 1, ByteBuffer.allocate(0))).errorCode());
        assertEquals(Errors.INVALID_RECORD.code, only(produce((short) 1, null)).errorCode());
        assertEquals(0, logEnd());
    }

    @Test
    void partitionsNotServedHereAreReportedPerPartition() {
        fixture.publish(partitionRecord(ordersId, 1, OTHER_NODE, 1));
        appendEvents.clear(); // the move itself wakes fetches of orders-1

        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code,
            only(produce(null, (short) 1, "nope", 0, Batches.of(1L, "a"))).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code,
            only(produce(null, (short) 1, "orders", 7, Batches.of(1L, "a"))).errorCode());
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code,
            only(produce(null, (short) 1, "orders", 1, Batches.of(1L, "a"))).errorCode());
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code,
            only(produce(null, (short) 1, "bad/name", 0, Batches.of(1L, "a"))).errorCode());
        assertEquals(List.of(), appendEvents);
    }

    @Test
    void oneRefusedPartitionDoesNotStopTheOthersOfTheRequest() {
        ByteBuffer corrupt = Batches.of(1L, "bad");
        corrupt.put(corrupt.limit() - 1, (byte) 0x7f);
        ProduceRequest request = new ProduceRequest(null, (short) 1, 30_000, List.of(new ProduceRequest.TopicProduceData("orders", new java.util.UUID(0L, 0L),
            List.of(new ProduceRequest.PartitionProduceData(0, Records.of(corrupt)),
                new ProduceRequest.PartitionProduceData(1, Records.of(Batches.of(1L, "good")))))));
        Answer answer = answers.next();

        handler.handle(Answers.context(ApiKey.PRODUCE, 11), request, answer);

        List<PartitionProduceResponse> partitions = answer.<ProduceResponse>get().responses().get(0).partitionResponses();
        assertEquals(Errors.CORRUPT_MESSAGE.code, partitions.get(0).errorCode());
        assertEquals(Errors.NONE.code, partitions.get(1).errorCode());
        assertEquals(0, logEnd());
        assertEquals(1, fixture.partition("orders", 1).logEndOffset());
    }

    @Test
    void anIdempotentRetryIsAnsweredWithTheOriginalOffsetAndNotWrittenAgain() {
        long pid = 4_000L;
        long[] ts = {1L, 1L};
        produce((short) 1, Batches.of(1L, "other"));
        PartitionProduceResponse first = only(produce((short) -1, Batches.idempotent(pid, (short) 0, 0, ts, "a", "b")));
        PartitionProduceResponse second = only(produce((short) -1, Batches.idempotent(pid, (short) 0, 2, ts, "c", "d")));
        int events = appendEvents.size();

        PartitionProduceResponse retry = only(produce((short) -1, Batches.idempotent(pid, (short) 0, 0, ts, "a", "b")));

        assertEquals(Errors.NONE.code, retry.errorCode());
        assertEquals(1, first.baseOffset());
        assertEquals(3, second.baseOffset());
        assertEquals(first.baseOffset(), retry.baseOffset(), "the offset the original append got");
        assertEquals(5, logEnd(), "nothing written twice");
        assertEquals(events, appendEvents.size(), "a duplicate wakes no fetch");
    }

    @Test
    void aSequenceGapIsRefused() {
        long[] ts = {1L};
        produce((short) -1, Batches.idempotent(9L, (short) 0, 0, ts, "a"));

        PartitionProduceResponse gap = only(produce((short) -1, Batches.idempotent(9L, (short) 0, 5, ts, "f")));

        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code, gap.errorCode());
        assertEquals(1, logEnd());
    }
}
