package io.varve.broker.handler;

import static io.varve.broker.replica.ReplicaFixture.NODE_ID;
import static io.varve.broker.replica.ReplicaFixture.partitionRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.handler.Answers.Answer;
import io.varve.broker.purgatory.DelayedOperationPurgatory;
import io.varve.broker.purgatory.ManualDelayScheduler;
import io.varve.broker.replica.Batches;
import io.varve.broker.replica.ReplicaFixture;
import io.varve.common.TopicPartition;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchRequest.FetchPartition;
import io.varve.protocol.generated.FetchRequest.FetchTopic;
import io.varve.protocol.generated.FetchResponse;
import io.varve.protocol.generated.FetchResponse.PartitionData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetch as a Request Waiting List (DESIGN §5): answered at once when {@code min.bytes} are there or
 * there is an error to report, else completed by the append that brings the bytes, else by
 * {@code max.wait.ms} on a manual timer. Every test ends by deleting every log and finding nothing
 * left: no segment slice leaked.
 */
class FetchHandlerTest {

    private static final int MAX_WAIT_MS = 500;
    private static final int BROKER_MAX_BYTES = 1 << 20;

    @TempDir
    Path dir;
    private ReplicaFixture fixture;
    private final ManualDelayScheduler timer = new ManualDelayScheduler();
    private DelayedOperationPurgatory<TopicPartition> purgatory;
    private FetchHandler handler;
    private final Answers answers = new Answers();
    private UUID ordersId;

    @BeforeEach
    void setUp() throws Exception {
        fixture = ReplicaFixture.open(dir);
        purgatory = new DelayedOperationPurgatory<>("fetch", timer, 2);
        fixture.replicas().onAppend(purgatory::checkAndComplete);
        handler = new FetchHandler(fixture.replicas(), purgatory, BROKER_MAX_BYTES);
        ordersId = fixture.createTopic("orders", 2);
    }

    @AfterEach
    void tearDown() throws Exception {
        timer.advance(Long.MAX_VALUE / 4); // nothing may wait past the test
        assertEquals(0, purgatory.watched());
        answers.closeAll();
        Answers.assertEveryLogDeletesCleanly(fixture.logs());
        fixture.close();
    }

    private static FetchPartition at(int partition, long offset) {
        return new FetchPartition(partition, -1, offset, -1, -1L, BROKER_MAX_BYTES, new java.util.UUID(0L, 0L), -1L);
    }

    private static FetchRequest request(int minBytes, int maxBytes, FetchTopic... topics) {
        return new FetchRequest(null, -1, new FetchRequest.ReplicaState(-1, -1L), MAX_WAIT_MS, minBytes, maxBytes, (byte) 0, 0, -1, List.of(topics),
            List.of(), "");
    }

    private static FetchTopic byName(String topic, FetchPartition... partitions) {
        return new FetchTopic(topic, new java.util.UUID(0L, 0L), List.of(partitions));
    }

    private Answer fetch(int version, FetchRequest request) {
        Answer answer = answers.next();
        handler.handle(Answers.context(ApiKey.FETCH, version), request, answer);
        return answer;
    }

    private Answer fetch(FetchRequest request) {
        return fetch(12, request);
    }

    private static PartitionData only(Answer answer) {
        FetchResponse response = answer.get();
        assertEquals(Errors.NONE.code, response.errorCode());
        assertEquals(0, response.sessionId(), "no fetch sessions: clients keep sending full fetches");
        assertEquals(1, response.responses().size());
        assertEquals(1, response.responses().get(0).partitions().size());
        return response.responses().get(0).partitions().get(0);
    }

    private static List<String> values(PartitionData data) {
        return Batches.values(Answers.bytes(data.records()));
    }

    @Test
    void dataAlreadyThereIsAnsweredAtOnce() {
        fixture.append("orders", 0, Batches.of(1L, "a", "b"));
        fixture.append("orders", 0, Batches.of(2L, "c"));

        Answer answer = fetch(request(1, BROKER_MAX_BYTES, byName("orders", at(0, 1))));

        PartitionData data = only(answer);
        assertEquals(Errors.NONE.code, data.errorCode());
        assertEquals(3, data.highWatermark());
        assertEquals(3, data.lastStableOffset());
        assertEquals(0, data.logStartOffset());
        assertEquals(List.of("a", "b", "c"), values(data), "whole batches, from the one holding offset 1");
        assertEquals(0, purgatory.watched());
        assertEquals(0, timer.pending());
    }

    @Test
    void aWaitingFetchIsCompletedByTheAppendThatBringsData() {
        Answer answer = fetch(request(1, BROKER_MAX_BYTES, byName("orders", at(0, 0))));
        assertFalse(answer.answered());
        assertEquals(1, purgatory.watching(new TopicPartition("orders", 0)));

        fixture.append("orders", 1, Batches.of(1L, "elsewhere"));
        assertFalse(answer.answered(), "an append to another partition does not complete it");

        fixture.append("orders", 0, Batches.of(1L, "x"));

        assertTrue(answer.answered());
        assertEquals(List.of("x"), values(only(answer)));
        assertEquals(0, purgatory.watched());
        assertEquals(0, timer.pending(), "its timer is cancelled");
    }

    @Test
    void aFetchWithNothingToReadExpiresAtMaxWaitWithAnEmptyAnswer() {
        fixture.append("orders", 0, Batches.of(1L, "a"));
        Answer answer = fetch(request(1, BROKER_MAX_BYTES, byName("orders", at(0, 1))));

        timer.advance(MAX_WAIT_MS - 1);
        assertFalse(answer.answered());
        timer.advance(1);

        PartitionData data = only(answer);
        assertEquals(Errors.NONE.code, data.errorCode());
        assertEquals(0, data.records().sizeInBytes());
        assertEquals(1, data.highWatermark());
    }

    @Test
    void minBytesHoldsTheAnswerUntilEnoughBytesArrived() {
        int batchBytes = Batches.of(1L, "0123456789").remaining();
        Answer answer = fetch(request(2 * batchBytes, BROKER_MAX_BYTES, byName("orders", at(0, 0), at(1, 0))));

        fixture.append("orders", 0, Batches.of(1L, "0123456789"));
        assertFalse(answer.answered(), "one batch is fewer bytes than min.bytes");
        fixture.append("orders", 1, Batches.of(1L, "abcdefghij"));

        FetchResponse response = answer.get();
        List<PartitionData> partitions = response.responses().get(0).partitions();
        assertEquals(List.of("0123456789"), values(partitions.get(0)));
        assertEquals(List.of("abcdefghij"), values(partitions.get(1)), "bytes of every partition count");
    }

    @Test
    void minBytesNotReachedStillAnswersWithWhatArrivedAtMaxWait() {
        Answer answer = fetch(request(1 << 16, BROKER_MAX_BYTES, byName("orders", at(0, 0))));
        fixture.append("orders", 0, Batches.of(1L, "small"));
        assertFalse(answer.answered());

        timer.advance(MAX_WAIT_MS);

        assertEquals(List.of("small"), values(only(answer)));
    }

    @Test
    void zeroMaxWaitOrZeroMinBytesNeverWaits() {
        FetchRequest noWait = new FetchRequest(null, -1, new FetchRequest.ReplicaState(-1, -1L), 0, 1, BROKER_MAX_BYTES, (byte) 0, 0, -1,
            List.of(byName("orders", at(0, 0))), List.of(), "");
        assertTrue(fetch(noWait).answered());
        assertTrue(fetch(request(0, BROKER_MAX_BYTES, byName("orders", at(0, 0)))).answered());
        assertEquals(0, purgatory.watched());
    }

    @Test
    void offsetsOutsideTheLogAreOutOfRangeAndAnsweredAtOnce() {
        fixture.append("orders", 0, Batches.of(1L, "a", "b", "c"));

        PartitionData past = only(fetch(request(1, BROKER_MAX_BYTES, byName("orders", at(0, 4)))));
        PartitionData negative = only(fetch(request(1, BROKER_MAX_BYTES, byName("orders", at(0, -1)))));

        assertEquals(Errors.OFFSET_OUT_OF_RANGE.code, past.errorCode());
        assertEquals(Errors.OFFSET_OUT_OF_RANGE.code, negative.errorCode());
        assertEquals(0, past.records().sizeInBytes());
    }

    @Test
    void aStaleLeaderEpochIsFencedAndANewerOneIsUnknown() {
        fixture.publish(partitionRecord(ordersId, 0, NODE_ID, 3));
        fixture.append("orders", 0, Batches.of(1L, "a"));

        assertEquals(Errors.FENCED_LEADER_EPOCH.code, only(fetchWithEpoch(2)).errorCode());
        assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code, only(fetchWithEpoch(4)).errorCode());
        assertEquals(List.of("a"), values(only(fetchWithEpoch(3))));
        assertEquals(List.of("a"), values(only(fetchWithEpoch(-1))), "no epoch given: not checked");
    }

    private Answer fetchWithEpoch(int epoch) {
        return fetch(request(1, BROKER_MAX_BYTES,
            byName("orders", new FetchPartition(0, epoch, 0, -1, -1L, BROKER_MAX_BYTES, new java.util.UUID(0L, 0L), -1L))));
    }

    @Test
    void fromVersion13TopicsAreNamedByIdAndAnUnknownIdIsReported() {
        fixture.append("orders", 0, Batches.of(1L, "by-id"));
        UUID unknown = UUID.randomUUID();

        Answer answer = fetch(13, request(1, BROKER_MAX_BYTES,
            new FetchTopic("", ordersId, List.of(at(0, 0))), new FetchTopic("", unknown, List.of(at(0, 0)))));

        FetchResponse response = answer.get();
        assertEquals(ordersId, response.responses().get(0).topicId());
        assertEquals(List.of("by-id"), values(response.responses().get(0).partitions().get(0)));
        assertEquals(unknown, response.responses().get(1).topicId());
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code, response.responses().get(1).partitions().get(0).errorCode());
    }

    @Test
    void unknownNamesAndPartitionsAreReportedAtOnce() {
        FetchResponse response = fetch(request(1, BROKER_MAX_BYTES, byName("nope", at(0, 0)),
            byName("orders", at(9, 0)), byName("bad/name", at(0, 0)))).get();

        for (FetchResponse.FetchableTopicResponse topic : response.responses()) {
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code, topic.partitions().get(0).errorCode(), topic.topic());
        }
    }

    @Test
    void aWaitingFetchWhoseTopicIsDeletedAnswersWithTheError() {
        Answer answer = fetch(request(1, BROKER_MAX_BYTES, byName("orders", at(0, 0))));
        assertFalse(answer.answered());

        fixture.deleteTopic("orders");

        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code, only(answer).errorCode());
    }

    @Test
    void aFetchByIdWaitingWhileItsTopicIsReCreatedNeverReadsTheNewTopic() {
        Answer answer = fetch(13, request(1, BROKER_MAX_BYTES, new FetchTopic("", ordersId, List.of(at(0, 0)))));
        assertFalse(answer.answered());

        UUID fresh = UUID.randomUUID();
        java.util.List<io.varve.raft.metadata.MetadataRecord> records = new java.util.ArrayList<>();
        records.add(new io.varve.raft.metadata.MetadataRecord.RemoveTopic(ordersId));
        records.addAll(List.of(ReplicaFixture.topicRecords("orders", fresh, 2)));
        fixture.publish(records.toArray(io.varve.raft.metadata.MetadataRecord[]::new));
        fixture.append("orders", 0, Batches.of(1L, "of the new topic"));

        PartitionData data = only(answer);
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code, data.errorCode());
        assertEquals(0, data.records().sizeInBytes());
    }

    @Test
    void theResponseStaysWithinMaxBytesButAlwaysCarriesTheFirstBatch() {
        for (int i = 0; i < 3; i++) {
            fixture.append("orders", 0, Batches.of(1L, "batch-" + i + "-0123456789"));
            fixture.append("orders", 1, Batches.of(1L, "other-" + i + "-0123456789"));
        }
        int batchBytes = Batches.of(1L, "batch-0-0123456789").remaining();

        // A limit smaller than one batch: the first batch anyway (KIP-74), nothing of the next partition.
        FetchResponse tiny = fetch(request(1, 1, byName("orders", at(0, 0), at(1, 0)))).get();
        assertEquals(List.of("batch-0-0123456789"), values(tiny.responses().get(0).partitions().get(0)));
        assertEquals(0, tiny.responses().get(0).partitions().get(1).records().sizeInBytes());

        // Room for two and a half batches: two of partition 0, nothing of partition 1 that would not fit.
        FetchResponse bounded = fetch(request(1, 2 * batchBytes + batchBytes / 2,
            byName("orders", at(0, 0), at(1, 0)))).get();
        List<PartitionData> parts = bounded.responses().get(0).partitions();
        assertEquals(List.of("batch-0-0123456789", "batch-1-0123456789"), values(parts.get(0)));
        assertEquals(0, parts.get(1).records().sizeInBytes());

        // The partition limit bounds each partition, the first batch again always included.
        FetchResponse perPartition = fetch(request(1, BROKER_MAX_BYTES, byName("orders",
            new FetchPartition(0, -1, 0, -1, -1L, 1, new java.util.UUID(0L, 0L), -1L), new FetchPartition(1, -1, 0, -1, -1L, 2 * batchBytes, new java.util.UUID(0L, 0L), -1L)))).get();
        assertEquals(1, values(perPartition.responses().get(0).partitions().get(0)).size());
        assertEquals(2, values(perPartition.responses().get(0).partitions().get(1)).size());
    }

    @Test
    void theBrokerLimitCapsWhatAClientAsksFor() {
        FetchHandler capped = new FetchHandler(fixture.replicas(), purgatory, 1);
        fixture.append("orders", 0, Batches.of(1L, "a"));
        fixture.append("orders", 0, Batches.of(1L, "b"));
        Answer answer = answers.next();

        capped.handle(Answers.context(ApiKey.FETCH, 12), request(1, Integer.MAX_VALUE, byName("orders", at(0, 0))), answer);

        assertEquals(List.of("a"), values(only(answer)));
    }

    @Test
    void aFullPurgatoryAnswersAtOnceInsteadOfWaiting() {
        Answer first = fetch(request(1, BROKER_MAX_BYTES, byName("orders", at(0, 0))));
        Answer second = fetch(request(1, BROKER_MAX_BYTES, byName("orders", at(1, 0))));
        assertFalse(first.answered());
        assertFalse(second.answered());

        Answer third = fetch(request(1, BROKER_MAX_BYTES, byName("orders", at(0, 0))));

        assertTrue(third.answered(), "the purgatory holds two: the third is answered with what there is");
        assertEquals(0, only(third).records().sizeInBytes());
    }

    @Test
    void aSliceHeldByTheNetworkPinsItsSegmentUntilClosed() throws Exception {
        fixture.append("orders", 0, Batches.of(1L, "pinned"));
        Answer answer = fetch(request(1, BROKER_MAX_BYTES, byName("orders", at(0, 0))));
        assertEquals(1, answers.open());
        Path partitionDir = fixture.partitionDir("orders", 0);

        fixture.logs().deleteLog(new TopicPartition("orders", 0));
        try (var files = Files.list(partitionDir)) {
            assertFalse(files.toList().isEmpty(), "the unsent slice keeps its segment's files");
        }
        assertEquals(List.of("pinned"), values(only(answer)), "and its bytes stay readable");

        answers.closeAll();

        try (var files = Files.list(partitionDir)) {
            assertEquals(List.of(), files.toList(), "closing the slice lets the deletion finish");
        }
    }
}
