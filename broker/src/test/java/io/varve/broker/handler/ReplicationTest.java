package io.varve.broker.handler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.handler.Answers.Answer;
import io.varve.broker.replica.Batches;
import io.varve.broker.replica.Partition;
import io.varve.broker.replica.ReplicaFetcher;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.Records;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;
import io.varve.protocol.generated.ProduceRequest;
import io.varve.protocol.generated.ProduceResponse;
import io.varve.protocol.generated.ProduceResponse.PartitionProduceResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leader and Followers with real logs, three brokers in one thread (DESIGN §6): followers copy the
 * leader's log by fetching; the high-water mark is the minimum log end of the ISR; {@code acks=all}
 * is answered only when every in-sync replica has the batch; a deposed leader's uncommitted tail is
 * truncated where the new leader's log says, not at its high-water mark; a follower that stops fetching
 * leaves the ISR after {@code replica.lag.time.max.ms} and comes back once caught up.
 */
class ReplicationTest {

    private static final String TOPIC = "orders";

    @TempDir
    Path dir;
    private InMemoryCluster cluster;
    private final Answers answers = new Answers();

    @BeforeEach
    void start() throws Exception {
        cluster = new InMemoryCluster(dir, 1, 2, 3);
    }

    @AfterEach
    void stop() throws Exception {
        answers.closeAll();
        cluster.close();
    }

    private Partition on(int node) {
        return cluster.node(node).replica(TOPIC, 0);
    }

    private Answer produce(int node, short acks, String... values) {
        ProduceRequest request = new ProduceRequest(null, acks, 30_000, List.of(new ProduceRequest.TopicProduceData(TOPIC, new java.util.UUID(0L, 0L),
            List.of(new ProduceRequest.PartitionProduceData(0, Records.of(Batches.of(1L, values)))))));
        Answer answer = answers.next();
        cluster.node(node).produce.handle(Answers.context(ApiKey.PRODUCE, 11), request, answer);
        return answer;
    }

    private static PartitionProduceResponse only(Answer answer) {
        ProduceResponse response = answer.get();
        return response.responses().get(0).partitionResponses().get(0);
    }

    /** Rounds until every follower has fetched twice: the second fetch tells the leader what the first brought. */
    private void replicateAll(int leader, int... followers) {
        for (int round = 0; round < 2; round++) {
            for (int f : followers) {
                assertEquals(ReplicaFetcher.Outcome.FETCHED, cluster.fetchRound(f, leader));
            }
        }
    }

    @Test
    void theHighWaterMarkIsTheMinimumLogEndOfTheIsrAndFollowersLearnIt() {
        cluster.createTopic(TOPIC, Map.of(), 1, 2, 3);
        produce(1, (short) 1, "a", "b", "c");
        assertEquals(0, on(1).highWatermark(), "no follower has the batch yet");

        cluster.fetchRound(2, 1);
        assertEquals(3, on(2).logEndOffset(), "the follower copied the leader's offsets");
        cluster.fetchRound(2, 1);
        assertEquals(0, on(1).highWatermark(), "follower 3 has nothing: the minimum ISR log end is 0");
        assertEquals(3, on(1).followerLogEndOffset(2));

        cluster.fetchRound(3, 1);
        cluster.fetchRound(3, 1);
        assertEquals(3, on(1).highWatermark());
        cluster.fetchRound(2, 1);
        assertEquals(3, on(2).highWatermark(), "a follower takes the leader's high-water mark");
        assertEquals(List.of("a", "b", "c"), cluster.values(3, TOPIC));
    }

    @Test
    void acksAllIsAnsweredOnlyWhenEveryInSyncReplicaHasTheBatch() {
        cluster.createTopic(TOPIC, Map.of(), 1, 2, 3);
        Answer acked = produce(1, (short) -1, "a", "b");
        assertFalse(acked.answered(), "waits in the produce purgatory");

        replicateAll(1, 2);
        assertFalse(acked.answered(), "follower 3 is in the ISR and has nothing");
        replicateAll(1, 3);

        assertTrue(acked.answered());
        assertEquals(Errors.NONE.code, only(acked).errorCode());
        assertEquals(0, only(acked).baseOffset());
        assertEquals(0, cluster.node(1).producePurgatory.watched());
    }

    @Test
    void acksAllTimesOutWhenFollowersNeverFetch() {
        cluster.createTopic(TOPIC, Map.of(), 1, 2, 3);
        Answer acked = produce(1, (short) -1, "a");

        cluster.node(1).timer.advance(30_000);

        assertEquals(Errors.REQUEST_TIMED_OUT.code, only(acked).errorCode());
        assertEquals(1, on(1).logEndOffset(), "the batch stays in the leader's log, not yet committed");
        assertEquals(0, on(1).highWatermark());
    }

    @Test
    void acksAllIsRefusedBelowMinInsyncReplicasAndAcksOneIsNot() {
        UUID id = cluster.createTopic(TOPIC, Map.of("min.insync.replicas", "2"), 1, 2, 3);
        var p = cluster.image().topic(TOPIC).partition(0);
        cluster.publish(new io.varve.raft.metadata.MetadataRecord.Partition(id, 0, p.replicas(), new int[] {1}, 1,
            p.leaderEpoch(), p.partitionEpoch() + 1));

        assertEquals(Errors.NOT_ENOUGH_REPLICAS.code, only(produce(1, (short) -1, "a")).errorCode());
        assertEquals(0, on(1).logEndOffset(), "refused before the append");
        assertEquals(Errors.NONE.code, only(produce(1, (short) 1, "b")).errorCode());
        assertEquals(0, on(1).highWatermark(), "below min.insync.replicas the high-water mark stays");
    }

    @Test
    void anAcksAllProduceWhoseIsrShrinksBelowTheMinimumWhileWaitingFails() {
        UUID id = cluster.createTopic(TOPIC, Map.of("min.insync.replicas", "2"), 1, 2, 3);
        Answer acked = produce(1, (short) -1, "a");
        var p = cluster.image().topic(TOPIC).partition(0);

        cluster.publish(new io.varve.raft.metadata.MetadataRecord.Partition(id, 0, p.replicas(), new int[] {1}, 1,
            p.leaderEpoch(), p.partitionEpoch() + 1));

        assertEquals(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND.code, only(acked).errorCode());
    }

    @Test
    void aDeposedLeaderTruncatesItsUncommittedTailToTheNewLeadersEpochEnd() {
        cluster.createTopic(TOPIC, Map.of(), 1, 2, 3);
        produce(1, (short) 1, "a", "b");
        replicateAll(1, 2, 3);
        assertEquals(2, on(1).highWatermark());
        produce(1, (short) 1, "c", "d"); // written at epoch 0, never replicated
        assertEquals(4, on(1).logEndOffset());

        cluster.electLeader(TOPIC, 2); // leader 1 is deposed; epoch 1 starts at offset 2 on node 2
        produce(2, (short) 1, "x");
        assertEquals(Partition.Role.FOLLOWER, on(1).role());

        cluster.fetchRound(1, 2); // node 1 says: log end 4, last epoch 0; node 2 answers: epoch 0 ends at 2
        assertEquals(2, on(1).logEndOffset(), "truncated to where epoch 0 ends on the new leader");
        cluster.fetchRound(1, 2);

        assertEquals(List.of("a", "b", "x"), cluster.values(1, TOPIC));
        assertEquals(List.of("a", "b", "x"), cluster.values(2, TOPIC));
        assertEquals(3, on(1).logEndOffset());
    }

    /**
     * Issue 11, defect 2: node 2 led epoch 1 without writing anything, so its epoch cache holds (1, 2)
     * with no batch behind it; node 3, which never knew epoch 1, then leads epoch 2. Node 2 says "last
     * epoch 1", node 3 answers "epoch 0 ends at 2", which is node 2's log end. The truncation must drop
     * the empty epoch, or node 2 asks the same question forever and never rejoins.
     */
    @Test
    void aFollowerThatLedAnEpochWithoutWritingCatchesUpWithALeaderThatNeverKnewThatEpoch() {
        cluster.createTopic(TOPIC, Map.of(), 1, 2, 3);
        produce(1, (short) 1, "a", "b");
        replicateAll(1, 2, 3);
        cluster.electLeader(TOPIC, 2); // epoch 1 starts at 2 on node 2; nothing is written in it
        cluster.electLeader(TOPIC, 3); // epoch 2 on node 3, which never fetched from node 2
        assertEquals(1, on(2).fetchPosition().lastFetchedEpoch());

        assertEquals(ReplicaFetcher.Outcome.FETCHED, cluster.fetchRound(2, 3), "the divergence moved the position");
        assertEquals(new Partition.FetchPosition(2, 0), on(2).fetchPosition(), "epoch 1 is gone, no batch was lost");
        produce(3, (short) 1, "c");
        assertEquals(ReplicaFetcher.Outcome.FETCHED, cluster.fetchRound(2, 3));
        cluster.fetchRound(2, 3);

        assertEquals(List.of("a", "b", "c"), cluster.values(2, TOPIC));
        assertEquals(new Partition.FetchPosition(3, 2), on(2).fetchPosition());
    }

    @Test
    void aLaggingFollowerLeavesTheIsrAfterTheLagTimeAndComesBackOnceCaughtUp() {
        cluster.createTopic(TOPIC, Map.of(), 1, 2, 3);
        produce(1, (short) 1, "a");
        replicateAll(1, 2, 3);

        produce(1, (short) 1, "b");
        cluster.clock.advanceMs(InMemoryCluster.LAG_TIME_MAX_MS / 2);
        replicateAll(1, 2); // follower 3 stops fetching
        cluster.clock.advanceMs(InMemoryCluster.LAG_TIME_MAX_MS / 2);
        assertEquals(0, cluster.node(1).replicas.maybeShrinkIsrs(), "not past the lag time yet");
        cluster.clock.advanceMs(1);
        assertEquals(1, cluster.node(1).replicas.maybeShrinkIsrs());
        assertEquals(1, cluster.node(1).replicas.maybeShrinkIsrs() + cluster.pendingIsrChanges(),
            "one AlterPartition in flight at a time");

        assertEquals(List.of(Errors.NONE), cluster.commitIsrChanges());
        assertArrayEquals(new int[] {1, 2}, on(1).isr());
        assertTrue(on(1).isUnderReplicated());
        assertEquals(2, on(1).highWatermark(), "the shrunk ISR has everything: the high-water mark moves");

        cluster.fetchRound(3, 1);
        cluster.fetchRound(3, 1); // now at the high-water mark: the leader asks to re-admit it
        assertEquals(List.of(Errors.NONE), cluster.commitIsrChanges());
        assertArrayEquals(new int[] {1, 2, 3}, on(1).isr());
        assertFalse(on(1).isUnderReplicated());
    }

    /**
     * KIP-497's maximal ISR: while the leader's request to re-admit a follower is in flight, the controller
     * may commit it at any moment, so an acks=all record must wait for that follower too. Otherwise the
     * follower joins the ISR without a record already acknowledged, and may be elected without it.
     */
    @Test
    void aFollowerBeingReAdmittedHoldsBackTheHighWaterMarkUntilTheControllerDecides() {
        cluster.createTopic(TOPIC, Map.of(), 1, 2, 3);
        produce(1, (short) 1, "a");
        replicateAll(1, 2, 3);
        cluster.clock.advanceMs(InMemoryCluster.LAG_TIME_MAX_MS + 1);
        replicateAll(1, 2); // follower 3 stopped fetching and is dropped
        assertEquals(1, cluster.node(1).replicas.maybeShrinkIsrs());
        assertEquals(List.of(Errors.NONE), cluster.commitIsrChanges());
        assertArrayEquals(new int[] {1, 2}, on(1).isr());
        cluster.fetchRound(3, 1); // caught up again: the leader asks to re-admit it
        assertEquals(1, cluster.pendingIsrChanges());

        Answer acked = produce(1, (short) -1, "b");
        replicateAll(1, 2);
        assertFalse(acked.answered(), "follower 3 may join the ISR any moment: it must have the record first");

        assertEquals(List.of(Errors.NONE), cluster.commitIsrChanges());
        assertArrayEquals(new int[] {1, 2, 3}, on(1).isr());
        cluster.fetchRound(3, 1);
        cluster.fetchRound(3, 1);
        assertEquals(Errors.NONE.code, only(acked).errorCode());
        assertEquals(List.of("a", "b"), cluster.values(3, TOPIC));
    }

    /**
     * The controller's answer to an ISR change can reach the leader before the leader's image shows it.
     * Found by {@link ReplicationSimulationTest} (seed 31): the leader went back to the old ISR on the
     * answer, acknowledged a record the re-admitted follower did not have, and that follower was in the
     * committed ISR. The leader now takes the confirmed ISR at once, and an older image does not undo it.
     */
    @Test
    void aConfirmedIsrChangeCountsBeforeTheLeadersImageShowsIt() {
        cluster.createTopic(TOPIC, Map.of(), 1, 2, 3);
        produce(1, (short) 1, "a");
        replicateAll(1, 2, 3);
        cluster.clock.advanceMs(InMemoryCluster.LAG_TIME_MAX_MS + 1);
        replicateAll(1, 2);
        assertEquals(1, cluster.node(1).replicas.maybeShrinkIsrs());
        assertEquals(List.of(Errors.NONE), cluster.commitIsrChanges());
        cluster.fetchRound(3, 1); // caught up: the leader asks to re-admit it

        assertEquals(List.of(Errors.NONE), cluster.commitIsrChanges(false)); // answered; no broker has the image yet
        assertArrayEquals(new int[] {1, 2, 3}, on(1).isr(), "the leader takes the confirmed ISR at once");
        Answer acked = produce(1, (short) -1, "b");
        replicateAll(1, 2);
        assertFalse(acked.answered(), "follower 3 is in the committed ISR: it must have the record first");

        cluster.publishHeld();
        cluster.fetchRound(3, 1);
        cluster.fetchRound(3, 1);
        assertEquals(Errors.NONE.code, only(acked).errorCode());
        assertEquals(List.of("a", "b"), cluster.values(3, TOPIC));
    }

    @Test
    void fetchesWithAStaleOrFutureLeaderEpochOrToAFollowerAreRefused() {
        cluster.createTopic(TOPIC, Map.of(), 1, 2, 3);
        cluster.electLeader(TOPIC, 2);
        UUID id = cluster.image().topic(TOPIC).topicId();

        assertEquals(Errors.FENCED_LEADER_EPOCH.code, replicaFetch(2, id, 0));
        assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code, replicaFetch(2, id, 7));
        assertEquals(Errors.NONE.code, replicaFetch(2, id, 1));
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code, replicaFetch(1, id, 1), "node 1 only follows");
    }

    private short replicaFetch(int node, UUID topicId, int epoch) {
        return fetchAs(node, 3, cluster.image().broker(3).epoch(), topicId, epoch, 0).errorCode();
    }

    /** A fetch sent to {@code node} that names itself replica {@code replicaId} at broker epoch {@code brokerEpoch}. */
    private FetchResponse.PartitionData fetchAs(int node, int replicaId, long brokerEpoch, UUID topicId, int leaderEpoch,
                                                long fetchOffset) {
        FetchRequest request = new FetchRequest(null, -1, new FetchRequest.ReplicaState(replicaId, brokerEpoch), 0, 1, 1 << 20, (byte) 0, 0, -1, List.of(
            new FetchRequest.FetchTopic(TOPIC, topicId, List.of(new FetchRequest.FetchPartition(0, leaderEpoch,
                fetchOffset, -1, 0, 1 << 20, new java.util.UUID(0L, 0L), -1L)))), List.of(), "");
        Answer answer = answers.next();
        cluster.node(node).fetch.handle(Answers.context(ApiKey.FETCH, 15), request, answer);
        FetchResponse response = answer.get();
        return response.responses().get(0).partitions().get(0);
    }

    /**
     * Kafka's follower checks (Partition.followerReplicaOrThrow, Replica.updateFetchStateOrThrow, KIP-903):
     * only a replica of the partition, at the broker epoch the metadata registers for it, may read to the
     * log end and count as caught up; anyone else naming a replica id moves no high-water mark.
     */
    @Test
    void onlyAReplicaAtItsRegisteredBrokerEpochMovesTheHighWaterMark() {
        cluster.createTopic(TOPIC, Map.of(), 1, 2);
        UUID id = cluster.image().topic(TOPIC).topicId();
        Answer acked = produce(1, (short) -1, "a", "b");
        cluster.fetchRound(2, 1); // follower 2 copies both records; the leader learns that at its next fetch
        long epoch2 = cluster.image().broker(2).epoch();
        cluster.publish(new io.varve.raft.metadata.MetadataRecord.RegisterBroker(9, "127.0.0.1", 9009, null,
            io.varve.raft.metadata.MetadataRecord.RegisterBroker.OWN_OFFSET, false, false));
        long epoch9 = cluster.image().broker(9).epoch();

        FetchResponse.PartitionData notReplica = fetchAs(1, 9, epoch9, id, 0, 2);
        assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code, notReplica.errorCode(), "a registered broker, not a replica");
        assertEquals(0, notReplica.records().sizeInBytes());
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code, fetchAs(1, 9, epoch9, id, -1, 2).errorCode(),
            "no leader epoch named: Kafka's older answer");
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code, fetchAs(1, 2, epoch2 - 1, id, 0, 2).errorCode(),
            "a stale broker epoch: an earlier incarnation of broker 2, or someone posing as it");
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code, fetchAs(1, 2, epoch2 + 1_000, id, 0, 2).errorCode(),
            "an epoch the metadata does not know");
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code, fetchAs(1, 2, -1L, id, 0, 2).errorCode(),
            "no broker epoch at all");
        assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code, fetchAs(1, 1, cluster.image().broker(1).epoch(), id, 0, 2)
            .errorCode(), "the leader is not its own follower");

        assertEquals(0, on(1).highWatermark(), "none of them moved the high-water mark");
        assertEquals(-1, on(1).followerLogEndOffset(9));
        assertEquals(0, on(1).followerLogEndOffset(2), "nor recorded progress for broker 2");
        assertFalse(acked.answered());

        FetchResponse.PartitionData real = fetchAs(1, 2, epoch2, id, 0, 2);
        assertEquals(Errors.NONE.code, real.errorCode());
        assertEquals(2, on(1).highWatermark(), "the real follower, at its epoch, does");
        assertTrue(acked.answered());
    }

    @Test
    void aNewLeaderServesConsumersOnlyBelowItsHighWaterMark() {
        cluster.createTopic(TOPIC, Map.of(), 1, 2);
        produce(1, (short) 1, "a", "b");
        cluster.fetchRound(2, 1); // node 2 has both, but learnt no high-water mark yet
        cluster.electLeader(TOPIC, 2);

        assertEquals(0, on(2).highWatermark(), "a new leader does not expose what it cannot know is committed");
        cluster.fetchRound(1, 2); // the old leader, now a follower, reports its log end 2
        assertEquals(2, on(2).highWatermark());
    }

    @Test
    void aFollowerBelowTheLeadersLogStartRestartsItsLogThere() {
        cluster.createTopic(TOPIC, Map.of(), 1, 2);
        produce(1, (short) 1, "a");
        produce(1, (short) 1, "b");
        produce(1, (short) 1, "c");
        on(1).log().advanceLogStartOffset(2); // retention at the leader, before follower 2 fetched anything

        assertEquals(ReplicaFetcher.Outcome.FETCHED, cluster.fetchRound(2, 1));
        assertEquals(2, on(2).logStartOffset(), "restarted at the leader's log start");
        assertEquals(2, on(2).logEndOffset());
        cluster.fetchRound(2, 1);

        assertEquals(List.of("c"), cluster.values(2, TOPIC));
    }
}
