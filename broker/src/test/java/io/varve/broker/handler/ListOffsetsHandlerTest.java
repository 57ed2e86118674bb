package io.varve.broker.handler;

import static io.varve.broker.replica.ReplicaFixture.NODE_ID;
import static io.varve.broker.replica.ReplicaFixture.partitionRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.broker.replica.Batches;
import io.varve.broker.replica.ReplicaFixture;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.ListOffsetsRequest;
import io.varve.protocol.generated.ListOffsetsResponse.ListOffsetsPartitionResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ListOffsets as Kafka answers it: earliest is the log start, latest the high-water mark, max
 * timestamp the first record carrying the largest timestamp, and a timestamp the first record
 * (exact to the record inside an uncompressed batch) at or after it; nothing found is -1.
 */
class ListOffsetsHandlerTest {

    @TempDir
    Path dir;
    private ReplicaFixture fixture;
    private ListOffsetsHandler handler;
    private UUID ordersId;

    @BeforeEach
    void setUp() throws Exception {
        fixture = ReplicaFixture.open(dir);
        handler = new ListOffsetsHandler(fixture.replicas());
        ordersId = fixture.createTopic("orders", 1);
    }

    @AfterEach
    void tearDown() throws Exception {
        Answers.assertEveryLogDeletesCleanly(fixture.logs());
        fixture.close();
    }

    private ListOffsetsPartitionResponse lookup(String topic, int partition, int epoch, long timestamp) {
        ListOffsetsRequest request = new ListOffsetsRequest(-1, (byte) 0, List.of(new ListOffsetsRequest.ListOffsetsTopic(
            topic, List.of(new ListOffsetsRequest.ListOffsetsPartition(partition, epoch, timestamp)))), 0);
        return handler.handle(request).topics().get(0).partitions().get(0);
    }

    private ListOffsetsPartitionResponse lookup(long timestamp) {
        return lookup("orders", 0, -1, timestamp);
    }

    private static void assertFound(ListOffsetsPartitionResponse r, long timestamp, long offset) {
        assertEquals(Errors.NONE.code, r.errorCode());
        assertEquals(offset, r.offset(), "offset");
        assertEquals(timestamp, r.timestamp(), "timestamp");
    }

    /** Batch one: offsets 0-2 at 100, 300, 200. Batch two: offsets 3-4 at 400, 500. */
    private void appendTwoBatches() {
        fixture.append("orders", 0, Batches.of(new long[] {100, 300, 200}, "r0", "r1", "r2"));
        fixture.append("orders", 0, Batches.of(new long[] {400, 500}, "r3", "r4"));
    }

    private ListOffsetsPartitionResponse lookupAt(int version, long timestamp) {
        ListOffsetsRequest request = new ListOffsetsRequest(-1, (byte) 0, List.of(new ListOffsetsRequest.ListOffsetsTopic(
            "orders", List.of(new ListOffsetsRequest.ListOffsetsPartition(0, -1, timestamp)))), 0);
        return handler.handle(request, (short) version).topics().get(0).partitions().get(0);
    }

    @Test
    void theLeaderEpochIsAnsweredFromVersion4AndV11sPendingUploadHasNoOffset() {
        appendTwoBatches();
        ListOffsetsPartitionResponse v1 = lookupAt(1, 400);
        assertFound(v1, 400, 3);
        assertEquals(-1, v1.leaderEpoch(), "v1-3 have no leader epoch");
        assertEquals(0, lookupAt(4, 400).leaderEpoch(), "v4+ carry the leader's epoch of the hit");
        assertFound(lookupAt(11, ListOffsetsHandler.EARLIEST_PENDING_UPLOAD), -1, -1);
    }

    @Test
    void anEmptyLogStartsAndEndsAtZeroAndHasNoTimestamps() {
        assertFound(lookup(ListOffsetsHandler.EARLIEST), -1, 0);
        assertFound(lookup(ListOffsetsHandler.LATEST), -1, 0);
        assertFound(lookup(ListOffsetsHandler.MAX_TIMESTAMP), -1, -1);
        assertFound(lookup(0L), -1, -1);
    }

    @Test
    void earliestAndLatestAreTheLogStartAndTheHighWatermark() {
        appendTwoBatches();

        assertFound(lookup(ListOffsetsHandler.EARLIEST), -1, 0);
        assertFound(lookup(ListOffsetsHandler.EARLIEST_LOCAL), -1, 0);
        assertFound(lookup(ListOffsetsHandler.LATEST), -1, 5);
        assertFound(lookup(ListOffsetsHandler.LATEST_TIERED), -1, -1);
    }

    @Test
    void aTimestampFindsTheFirstRecordAtOrAfterItInsideItsBatch() {
        appendTwoBatches();

        assertFound(lookup(0L), 100, 0);
        assertFound(lookup(100L), 100, 0);
        assertFound(lookup(150L), 300, 1);
        assertFound(lookup(250L), 300, 1);
        assertFound(lookup(301L), 400, 3);
        assertFound(lookup(450L), 500, 4);
        assertFound(lookup(500L), 500, 4);
    }

    @Test
    void aTimestampAfterEveryRecordFindsNothing() {
        appendTwoBatches();

        ListOffsetsPartitionResponse none = lookup(501L);

        assertFound(none, -1, -1);
        assertEquals(-1, none.leaderEpoch());
    }

    @Test
    void maxTimestampIsTheRecordThatCarriesItEvenInTheMiddleOfABatch() {
        fixture.append("orders", 0, Batches.of(new long[] {100, 900, 200}, "r0", "r1", "r2"));
        fixture.append("orders", 0, Batches.of(new long[] {400}, "r3"));

        assertFound(lookup(ListOffsetsHandler.MAX_TIMESTAMP), 900, 1);
    }

    @Test
    void answersCarryTheLeaderEpochAndAStaleOrFutureEpochIsRefused() {
        fixture.publish(partitionRecord(ordersId, 0, NODE_ID, 4));
        appendTwoBatches();

        assertEquals(4, lookup("orders", 0, 4, ListOffsetsHandler.LATEST).leaderEpoch());
        assertEquals(4, lookup("orders", 0, -1, 250L).leaderEpoch(), "the epoch the record was written in");
        assertEquals(Errors.FENCED_LEADER_EPOCH.code, lookup("orders", 0, 3, ListOffsetsHandler.LATEST).errorCode());
        assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code, lookup("orders", 0, 5, ListOffsetsHandler.LATEST).errorCode());
    }

    @Test
    void unknownPartitionsAndUnknownSpecialTimestampsAreErrors() {
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code, lookup("nope", 0, -1, 0L).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code, lookup("orders", 3, -1, 0L).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code, lookup("bad/name", 0, -1, 0L).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code, lookup(-7L).errorCode());
    }
}
