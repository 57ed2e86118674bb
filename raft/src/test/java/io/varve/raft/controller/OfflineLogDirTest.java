package io.varve.raft.controller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.Errors;
import io.varve.raft.metadata.BrokerRegistration;
import io.varve.raft.metadata.MetadataDelta;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.metadata.MetadataSnapshot;
import io.varve.raft.metadata.PartitionImage;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, defect 6: a broker that reports a log directory offline in its heartbeat (Kafka's
 * {@code OfflineLogDirs}, KIP-858) is treated like a fenced broker for every partition purpose: its
 * leaderships move to other ISR members with a bumped leader epoch, it leaves the ISRs, it is no leader,
 * ISR or placement candidate; yet it stays registered and unfenced until it registers again.
 */
class OfflineLogDirTest {

    private MetadataImage image = MetadataImage.empty("cluster");

    private static ControllerStateMachine controller(boolean unclean) {
        return new ControllerStateMachine(ControllerConfig.from(Map.of(ControllerConfig.NUM_PARTITIONS, 1,
            ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE, unclean)), new Random(7));
    }

    private final ControllerStateMachine controller = controller(false);

    private <R> R run(ControllerResult<R> result) {
        MetadataDelta delta = new MetadataDelta(image);
        long offset = image.lastAppliedOffset();
        for (MetadataRecord record : result.records()) {
            delta.replay(record, ++offset);
        }
        image = delta.apply();
        return result.response();
    }

    private void brokers(int... ids) {
        for (int id : ids) {
            assertEquals(Errors.NONE, run(controller.registerBroker(image, id, "host-" + id, 9092, null)).error());
            assertEquals(Errors.NONE, run(controller.brokerHeartbeat(image, id, epoch(id), false)).error());
        }
    }

    private long epoch(int id) {
        return image.broker(id).epoch();
    }

    private UUID createOnePartition(String name, int replication) {
        CreateTopicResult created = run(controller.createTopics(image,
            List.of(new NewTopic(name, 1, (short) replication, Map.of())), false)).get(0);
        assertEquals(Errors.NONE, created.error());
        return created.topicId();
    }

    private PartitionImage partition(String name) {
        return image.topic(name).partition(0);
    }

    @Test
    void leadershipMovesOffABrokerReportingAnOfflineLogDirAndItLeavesTheIsr() {
        brokers(1, 2, 3);
        createOnePartition("t", 3);
        PartitionImage before = partition("t");
        int leader = before.leader();
        assertEquals(3, before.isr().length);

        HeartbeatResult answer = run(controller.brokerHeartbeat(image, leader, epoch(leader), false, true));

        assertEquals(new HeartbeatResult(Errors.NONE, false, false), answer);
        PartitionImage after = partition("t");
        assertTrue(after.leader() != leader && after.leader() != PartitionImage.NO_LEADER, after.toString());
        assertEquals(before.leaderEpoch() + 1, after.leaderEpoch(), "a new leader, a new epoch");
        assertEquals(2, after.isr().length);
        assertFalse(java.util.Arrays.stream(after.isr()).anyMatch(id -> id == leader), after.toString());
        BrokerRegistration reported = image.broker(leader);
        assertTrue(reported.logDirOffline());
        assertFalse(reported.fenced(), "it stays registered and unfenced: its lease is alive");
        assertFalse(reported.isActive());
        assertEquals(2, image.activeBrokers().size());
    }

    @Test
    void aBrokerWithAnOfflineLogDirIsNeverChosenAsLeaderNorAddedBackToTheIsr() {
        brokers(1, 2);
        createOnePartition("t", 2);
        int leader = partition("t").leader();
        int other = leader == 1 ? 2 : 1;
        run(controller.brokerHeartbeat(image, other, epoch(other), false, true));
        assertArrayEquals(new int[] {leader}, partition("t").isr());

        // The leader goes away: the offline broker is a replica but no candidate, so the partition waits.
        run(controller.fenceBrokers(image, List.of(leader)));
        assertEquals(PartitionImage.NO_LEADER, partition("t").leader());
        assertArrayEquals(new int[] {leader}, partition("t").isr(), "the last ISR member stays, for a clean election");

        // Its own heartbeats change nothing: no leaderless partition is given to it.
        assertEquals(List.of(), controller.brokerHeartbeat(image, other, epoch(other), false, true).records());
        assertEquals(List.of(), controller.brokerHeartbeat(image, other, epoch(other), false, false).records(),
            "only a new registration clears the offline mark");

        // The leader comes back and may not put the offline broker back into the ISR.
        run(controller.brokerHeartbeat(image, leader, epoch(leader), false));
        PartitionImage p = partition("t");
        assertEquals(leader, p.leader());
        AlterPartitionResult expand = run(controller.alterPartition(image, image.topic("t").topicId(), 0, leader,
            p.leaderEpoch(), new int[] {leader, other}, p.partitionEpoch()));
        assertEquals(Errors.INELIGIBLE_REPLICA, expand.error());
    }

    @Test
    void evenAnUncleanElectionDoesNotChooseABrokerWithAnOfflineLogDir() {
        ControllerStateMachine unclean = controller(true);
        for (int id : new int[] {1, 2}) {
            run(unclean.registerBroker(image, id, "host-" + id, 9092, null));
            run(unclean.brokerHeartbeat(image, id, epoch(id), false));
        }
        run(unclean.createTopics(image, List.of(new NewTopic("t", 1, (short) 2, Map.of())), false));
        int leader = partition("t").leader();
        int other = leader == 1 ? 2 : 1;
        run(unclean.brokerHeartbeat(image, other, epoch(other), false, true));
        run(unclean.fenceBrokers(image, List.of(leader)));
        assertEquals(PartitionImage.NO_LEADER, partition("t").leader());
    }

    @Test
    void aFencedBrokerThatHeartbeatsWithAnOfflineLogDirIsUnfencedButLeadsNothing() {
        brokers(1, 2);
        createOnePartition("t", 2);
        int leader = partition("t").leader();
        int other = leader == 1 ? 2 : 1;
        run(controller.fenceBrokers(image, List.of(leader)));
        run(controller.fenceBrokers(image, List.of(other)));
        assertEquals(PartitionImage.NO_LEADER, partition("t").leader());
        assertArrayEquals(new int[] {other}, partition("t").isr(), "the last one fenced is the last ISR member");

        HeartbeatResult answer = run(controller.brokerHeartbeat(image, other, epoch(other), false, true));

        assertEquals(new HeartbeatResult(Errors.NONE, false, false), answer);
        assertEquals(PartitionImage.NO_LEADER, partition("t").leader(), "not handed the partition it could lead");
        assertTrue(image.broker(other).logDirOffline());
    }

    @Test
    void newTopicsAreNotPlacedOnABrokerWithAnOfflineLogDirAndARestartClearsIt() {
        brokers(1, 2, 3);
        run(controller.brokerHeartbeat(image, 3, epoch(3), false, true));
        assertEquals(Errors.INVALID_REPLICATION_FACTOR, run(controller.createTopics(image,
            List.of(new NewTopic("t", 1, (short) 3, Map.of())), false)).get(0).error());
        createOnePartition("u", 2);
        assertFalse(partition("u").isReplica(3));

        // The mark survives a metadata snapshot, and a new registration (the node restarted) clears it.
        MetadataImage rebuilt = MetadataSnapshot.fromRecords("cluster", image.lastAppliedOffset(),
            MetadataSnapshot.records(image));
        assertTrue(rebuilt.broker(3).logDirOffline());
        run(controller.registerBroker(image, 3, "host-3", 9092, null));
        run(controller.brokerHeartbeat(image, 3, epoch(3), false, false));
        assertFalse(image.broker(3).logDirOffline());
        assertTrue(image.broker(3).isActive());
    }
}
