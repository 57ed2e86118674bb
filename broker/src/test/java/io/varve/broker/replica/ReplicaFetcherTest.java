package io.varve.broker.replica;

import static io.varve.broker.replica.ReplicaFixture.NODE_ID;
import static io.varve.broker.replica.ReplicaFixture.OTHER_NODE;
import static io.varve.broker.replica.ReplicaFixture.partitionRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.protocol.Errors;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;
import io.varve.raft.metadata.MetadataRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.varve.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One fetcher round against a scripted leader: what counts as progress. A round that only met answers
 * that change nothing must back off ({@code replica.fetch.backoff.ms}), never spin on the leader.
 */
class ReplicaFetcherTest {

    @TempDir
    Path dir;
    private ReplicaFixture fixture;
    private Partition follower;

    @BeforeEach
    void open() throws Exception {
        fixture = ReplicaFixture.open(dir);
        fixture.registerOtherNode();
        UUID id = fixture.createTopic("orders", 1);
        fixture.append("orders", 0, Batches.of(1L, "a", "b"));
        fixture.append("orders", 0, Batches.of(1L, "c"));
        fixture.publish(partitionRecord(id, 0, OTHER_NODE, 1)); // node 2 leads epoch 1: this node follows
        follower = fixture.replicas().replica(new TopicPartition("orders", 0));
        assertEquals(Partition.Role.FOLLOWER, follower.role());
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    /** A leader that answers every fetch with one partition's {@code divergingEpoch} and no records. */
    private ReplicaFetcher fetcherAnswering(FetchResponse.EpochEndOffset diverging) {
        LeaderEndpoint leader = (request, timeoutMs) -> {
            FetchRequest.FetchTopic topic = request.topics().get(0);
            FetchResponse.PartitionData data = new FetchResponse.PartitionData(0, Errors.NONE.code, 0, 0, 0, diverging,
                null, null, List.of(), -1, null);
            return new FetchResponse(0, Errors.NONE.code, 0,
                List.of(new FetchResponse.FetchableTopicResponse(topic.topic(), topic.topicId(), List.of(data))), List.of());
        };
        ReplicaFetcher fetcher = new ReplicaFetcher(NODE_ID, () -> 7L, OTHER_NODE, leader, ReplicaConfig.from(Map.of()));
        fetcher.add(follower);
        return fetcher;
    }

    @Test
    void aDivergenceThatMovesTheFetchPositionIsProgress() {
        ReplicaFetcher fetcher = fetcherAnswering(new FetchResponse.EpochEndOffset(0, 2));

        assertEquals(ReplicaFetcher.Outcome.FETCHED, fetcher.doWork());
        assertEquals(new Partition.FetchPosition(2, 0), follower.fetchPosition(), "the last batch went");
    }

    @Test
    void aDivergenceThatChangesNothingBacksOffInsteadOfAskingAgainAtOnce() {
        ReplicaFetcher fetcher = fetcherAnswering(new FetchResponse.EpochEndOffset(0, 3)); // where this log already ends

        assertEquals(ReplicaFetcher.Outcome.BACK_OFF, fetcher.doWork());
        assertEquals(new Partition.FetchPosition(3, 0), follower.fetchPosition(), "nothing was lost either");
    }
}
