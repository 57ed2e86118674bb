package io.varve.raft.controller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.varve.common.ManualClock;
import io.varve.protocol.Errors;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.PartitionImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AlterPartition through the {@link Controller}: the leader shrinks and expands its ISR with the
 * leader epoch and partition epoch it last saw; a change carrying a stale epoch (a deposed leader, or a
 * change that raced another) is refused and writes nothing (Generation Clock).
 */
class AlterPartitionTest {

    private final ManualClock clock = new ManualClock();
    private final MemoryQuorum quorum = new MemoryQuorum();
    private final Map<Integer, Long> epochs = new HashMap<>();
    private final Controller controller = new Controller(quorum, "cluster", ControllerConfig.from(Map.of()), new Random(5));
    private UUID topicId;

    @BeforeEach
    void threeBrokersAndATopicOfThreeReplicas() {
        for (int id = 1; id <= 3; id++) {
            RegisterBrokerResult registered = controller.registerBroker(id, "h" + id, 9092, null, clock.monotonicMs()).response();
            epochs.put(id, registered.brokerEpoch());
            assertEquals(Errors.NONE, controller.brokerHeartbeat(id, registered.brokerEpoch(), clock.monotonicMs(), false)
                .response().error());
        }
        CreateTopicResult created = controller.createTopics(List.of(new NewTopic("t", 1, (short) 3, Map.of())), false)
            .response().get(0);
        assertEquals(Errors.NONE, created.error());
        topicId = controller.image().topic("t").topicId();
    }

    private PartitionImage partition() {
        return controller.image().topic("t").partition(0);
    }

    private int[] without(int[] ids, int id) {
        return java.util.Arrays.stream(ids).filter(x -> x != id).toArray();
    }

    @Test
    void theLeaderShrinksThenExpandsTheIsrAndEachChangeBumpsThePartitionEpoch() {
        PartitionImage p = partition();
        int follower = p.replica(p.replica(0) == p.leader() ? 1 : 0);
        int[] shrunk = without(p.isr(), follower);

        AlterPartitionResult result = controller.alterPartition(topicId, 0, p.leader(), p.leaderEpoch(), shrunk,
            p.partitionEpoch()).response();

        assertEquals(Errors.NONE, result.error());
        PartitionImage after = partition();
        assertArrayEquals(shrunk, after.isr());
        assertEquals(p.partitionEpoch() + 1, after.partitionEpoch());
        assertEquals(p.leaderEpoch(), after.leaderEpoch(), "an ISR change is not a leader change");
        assertEquals(p.leader(), after.leader());
        assertArrayEquals(shrunk, result.isr());

        AlterPartitionResult expanded = controller.alterPartition(topicId, 0, p.leader(), p.leaderEpoch(), p.isr(),
            after.partitionEpoch()).response();
        assertEquals(Errors.NONE, expanded.error());
        assertArrayEquals(p.isr(), partition().isr());
        assertEquals(p.partitionEpoch() + 2, partition().partitionEpoch());
    }

    @Test
    void staleEpochsAndBadIsrsAreRefusedAndWriteNothing() {
        PartitionImage p = partition();
        int follower = p.replica(p.replica(0) == p.leader() ? 1 : 0);
        int[] shrunk = without(p.isr(), follower);
        controller.alterPartition(topicId, 0, p.leader(), p.leaderEpoch(), shrunk, p.partitionEpoch());
        MetadataImage before = controller.image();
        long logEnd = quorum.records().size();

        assertEquals(Errors.INVALID_UPDATE_VERSION, controller.alterPartition(topicId, 0, p.leader(), p.leaderEpoch(),
            p.isr(), p.partitionEpoch()).response().error(), "the partition changed since this partition epoch");
        assertEquals(Errors.FENCED_LEADER_EPOCH, controller.alterPartition(topicId, 0, p.leader(), p.leaderEpoch() - 1,
            p.isr(), p.partitionEpoch() + 1).response().error());
        assertEquals(Errors.UNKNOWN_LEADER_EPOCH, controller.alterPartition(topicId, 0, p.leader(), p.leaderEpoch() + 1,
            p.isr(), p.partitionEpoch() + 1).response().error());
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, controller.alterPartition(topicId, 0, follower, p.leaderEpoch(),
            p.isr(), p.partitionEpoch() + 1).response().error());
        assertEquals(Errors.INVALID_REQUEST, controller.alterPartition(topicId, 0, p.leader(), p.leaderEpoch(),
            new int[] {follower}, p.partitionEpoch() + 1).response().error(), "the leader must stay in its ISR");
        assertEquals(Errors.INELIGIBLE_REPLICA, controller.alterPartition(topicId, 0, p.leader(), p.leaderEpoch(),
            new int[] {p.leader(), 42}, p.partitionEpoch() + 1).response().error(), "42 is no replica");
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, controller.alterPartition(UUID.randomUUID(), 0, p.leader(),
            p.leaderEpoch(), p.isr(), p.partitionEpoch() + 1).response().error());

        assertSame(before, controller.image());
        assertEquals(logEnd, quorum.records().size(), "refusals write no record");
    }

    @Test
    void aFencedBrokerCannotBeReadmitted() {
        PartitionImage p = partition();
        int follower = p.replica(p.replica(0) == p.leader() ? 1 : 0);
        clock.advanceMs(ControllerConfig.from(Map.of()).brokerSessionTimeoutMs());
        for (int id = 1; id <= 3; id++) {
            if (id != follower) {
                controller.brokerHeartbeat(id, epochs.get(id), clock.monotonicMs(), false);
            }
        }
        controller.tick(clock.monotonicMs());
        PartitionImage fenced = partition();
        assertEquals(Errors.INELIGIBLE_REPLICA, controller.alterPartition(topicId, 0, fenced.leader(),
            fenced.leaderEpoch(), p.isr(), fenced.partitionEpoch()).response().error());
    }
}
