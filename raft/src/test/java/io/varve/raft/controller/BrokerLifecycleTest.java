package io.varve.raft.controller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.protocol.Errors;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.PartitionImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Broker liveness through the {@link Controller}, on a manual clock: leases (fenced after exactly
 * {@code broker.session.timeout.ms}, never before), leader election with a bumped leader epoch
 * (Generation Clock), no unclean election unless enabled, controlled shutdown, unfencing, and a new
 * controller taking over the leases.
 */
class BrokerLifecycleTest {

    private static final int SESSION_MS = 9000;

    private final ManualClock clock = new ManualClock();
    private final MemoryQuorum quorum = new MemoryQuorum();
    private final Map<Integer, Long> epochs = new HashMap<>();
    private Controller controller = controller(Map.of());

    private Controller controller(Map<String, Object> props) {
        Map<String, Object> all = new HashMap<>(props);
        all.put(ControllerConfig.BROKER_SESSION_TIMEOUT_MS, SESSION_MS);
        return new Controller(quorum, "cluster", ControllerConfig.from(all), new Random(3));
    }

    private long now() {
        return clock.monotonicMs();
    }

    private void join(int... ids) {
        for (int id : ids) {
            RegisterBrokerResult registered = controller.registerBroker(id, "h" + id, 9092, null, now()).response();
            assertEquals(Errors.NONE, registered.error());
            epochs.put(id, registered.brokerEpoch());
            assertTrue(controller.image().broker(id).fenced(), "fenced until the first heartbeat");
            heartbeat(id);
        }
    }

    private HeartbeatResult heartbeat(int id) {
        HeartbeatResult result = controller.brokerHeartbeat(id, epochs.get(id), now(), false).response();
        assertEquals(Errors.NONE, result.error());
        return result;
    }

    /** Partition 0 of topic {@code name} in the current image. */
    private PartitionImage partition(String name) {
        return controller.image().topic(name).partition(0);
    }

    private void createTopic(String name, int replication, Map<String, String> configs) {
        CreateTopicResult created = controller.createTopics(List.of(new NewTopic(name, 1, (short) replication, configs)),
            false).response().get(0);
        assertEquals(Errors.NONE, created.error(), created.toString());
    }

    @Test
    void aBrokerIsFencedAfterExactlyTheSessionTimeoutAndNotBefore() {
        join(1, 2);
        clock.advanceMs(5000);
        heartbeat(2);
        clock.advanceMs(SESSION_MS - 5000 - 1);
        MetadataImage before = controller.image();
        assertSame(before, controller.tick(now()).image(), "one millisecond before the lease ends nothing happens");
        assertEquals(now() + 1, controller.nextLeaseExpiryMs());
        clock.advanceMs(1);
        MetadataImage after = controller.tick(now()).image();
        assertTrue(after.broker(1).fenced(), "broker 1 missed its lease");
        assertFalse(after.broker(2).fenced(), "broker 2 heartbeated 5 s in");
        clock.advanceMs(5000 - 1);
        assertFalse(controller.tick(now()).image().broker(2).fenced());
        clock.advanceMs(1);
        assertTrue(controller.tick(now()).image().broker(2).fenced());
    }

    @Test
    void theLeaderOfAFencedBrokerMovesToAnotherIsrMemberWithAHigherLeaderEpoch() {
        join(1, 2, 3);
        createTopic("t", 3, Map.of());
        PartitionImage before = partition("t");
        int leader = before.leader();
        clock.advanceMs(SESSION_MS - 1);
        epochs.keySet().stream().filter(id -> id != leader).forEach(this::heartbeat);
        clock.advanceMs(1);
        controller.tick(now());
        PartitionImage after = partition("t");
        int[] replicas = before.replicas();
        assertEquals(replicas[1], after.leader(), "the next replica in order that is in the ISR and alive");
        assertEquals(before.leaderEpoch() + 1, after.leaderEpoch());
        assertEquals(before.partitionEpoch() + 1, after.partitionEpoch());
        assertArrayEquals(new int[] {replicas[1], replicas[2]}, after.isr(), "the fenced broker left the ISR");
        assertArrayEquals(replicas, after.replicas(), "replicas do not change");
    }

    @Test
    void whenNoIsrMemberIsAliveThePartitionHasNoLeaderAndKeepsItsLastIsrMember() {
        join(1, 2);
        createTopic("t", 2, Map.of());
        PartitionImage before = partition("t");
        int first = before.leader();
        int second = before.replica(1);
        clock.advanceMs(SESSION_MS - 1);
        heartbeat(second);
        clock.advanceMs(1);
        controller.tick(now());
        clock.advanceMs(SESSION_MS);
        controller.tick(now());
        PartitionImage after = partition("t");
        assertEquals(PartitionImage.NO_LEADER, after.leader());
        assertArrayEquals(new int[] {second}, after.isr(), "the last in-sync member stays, to lead again without loss");
        assertEquals(before.leaderEpoch() + 2, after.leaderEpoch());
        // The first broker comes back: it is not in the ISR, and unclean election is off.
        epochs.put(first, controller.registerBroker(first, "h", 1, null, now()).response().brokerEpoch());
        assertFalse(heartbeat(first).fenced());
        assertEquals(PartitionImage.NO_LEADER, partition("t").leader(), "no unclean election by default");
    }

    @Test
    void aTopicThatEnablesUncleanElectionElectsAnOutOfSyncReplicaAndOthersStayLeaderless() {
        join(1, 2);
        createTopic("clean", 2, Map.of());
        createTopic("unclean", 2, Map.of(ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE, "true"));
        // Broker 1 leaves every ISR (a controlled shutdown), and comes back as a new incarnation.
        assertTrue(controller.brokerHeartbeat(1, epochs.get(1), now(), true).response().shouldShutDown());
        epochs.put(1, controller.registerBroker(1, "h1", 9092, null, now()).response().brokerEpoch());
        heartbeat(1);
        assertArrayEquals(new int[] {2}, partition("clean").isr());
        assertArrayEquals(new int[] {2}, partition("unclean").isr());
        int uncleanEpoch = partition("unclean").leaderEpoch();
        // Then broker 2, the only in-sync replica, loses its lease.
        clock.advanceMs(SESSION_MS);
        heartbeat(1);
        controller.tick(now());
        assertEquals(PartitionImage.NO_LEADER, partition("clean").leader());
        assertArrayEquals(new int[] {2}, partition("clean").isr());
        assertEquals(1, partition("unclean").leader(), "an out-of-sync replica leads: records may be lost");
        assertArrayEquals(new int[] {1}, partition("unclean").isr());
        assertEquals(uncleanEpoch + 1, partition("unclean").leaderEpoch());
    }

    @Test
    void uncleanElectionEnabledForTheClusterElectsAnOutOfSyncReplicaAtOnce() {
        controller = controller(Map.of(ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE, true));
        join(1, 2);
        createTopic("t", 2, Map.of());
        PartitionImage before = partition("t");
        int leader = before.leader();
        int follower = before.replica(1);
        // The follower falls out of the ISR (as AlterPartition would do), then the leader dies.
        controller.brokerHeartbeat(follower, epochs.get(follower), now(), true);
        epochs.put(follower, controller.registerBroker(follower, "h", 1, null, now()).response().brokerEpoch());
        heartbeat(follower);
        assertArrayEquals(new int[] {leader}, partition("t").isr());
        clock.advanceMs(SESSION_MS);
        heartbeat(follower);
        controller.tick(now());
        assertEquals(follower, partition("t").leader(), "an out-of-sync replica leads: records may be lost");
        assertArrayEquals(new int[] {follower}, partition("t").isr());
    }

    @Test
    void controlledShutdownMovesEveryLeadershipBeforeAllowingTheShutdown() {
        join(1, 2, 3);
        controller.createTopics(List.of(new NewTopic("t", 6, (short) 3, Map.of())), false);
        Map<Integer, Integer> epochsBefore = new HashMap<>();
        controller.image().topic("t").partitions().forEach((i, p) -> epochsBefore.put(i, p.leaderEpoch()));
        HeartbeatResult result = controller.brokerHeartbeat(2, epochs.get(2), now(), true).response();
        assertEquals(new HeartbeatResult(Errors.NONE, false, true), result);
        MetadataImage image = controller.image();
        assertTrue(image.broker(2).inControlledShutdown());
        assertFalse(image.broker(2).isActive());
        for (PartitionImage p : image.topic("t").partitions().values()) {
            assertTrue(p.leader() == 1 || p.leader() == 3, p.toString());
            assertFalse(java.util.Arrays.stream(p.isr()).anyMatch(id -> id == 2), "left every ISR: " + p);
        }
        long moved = image.topic("t").partitions().values().stream()
            .filter(p -> p.leaderEpoch() == epochsBefore.get(p.partitionIndex()) + 1).count();
        assertEquals(2, moved, "broker 2 led two of the six partitions; only those changed leader");
        assertEquals(Errors.INVALID_REPLICATION_FACTOR, controller.createTopics(
            List.of(new NewTopic("u", 1, (short) 3, Map.of())), false).response().get(0).error(),
            "a broker shutting down gets no new replicas");
        // Its lease then runs out as it stops heartbeating: it is fenced, nothing else moves.
        clock.advanceMs(SESSION_MS);
        heartbeat(1);
        heartbeat(3);
        controller.tick(now());
        assertTrue(controller.image().broker(2).fenced());
        assertEquals(image.topic("t"), controller.image().topic("t"));
    }

    @Test
    void aBrokerThatComesBackIsUnfencedAndLeadsItsLeaderlessPartitionsAgain() {
        join(1);
        createTopic("t", 1, Map.of());
        clock.advanceMs(SESSION_MS);
        controller.tick(now());
        assertEquals(PartitionImage.NO_LEADER, partition("t").leader());
        assertFalse(controller.brokerHeartbeat(1, epochs.get(1), now(), false).response().fenced());
        PartitionImage back = partition("t");
        assertEquals(1, back.leader());
        assertEquals(2, back.leaderEpoch(), "epoch 0 at creation, 1 leaderless, 2 back");
        assertFalse(controller.image().broker(1).fenced());
    }

    @Test
    void reRegisteringALiveBrokerReplacesTheIncarnationAndItsEpoch() {
        join(1, 2);
        createTopic("t", 2, Map.of());
        int leader = partition("t").leader();
        long old = epochs.get(leader);
        RegisterBrokerResult again = controller.registerBroker(leader, "h", 9092, null, now()).response();
        assertTrue(again.brokerEpoch() > old);
        assertTrue(controller.image().broker(leader).fenced());
        assertEquals(3 - leader, partition("t").leader(), "the restarted broker's leadership moved");
        assertEquals(Errors.STALE_BROKER_EPOCH, controller.brokerHeartbeat(leader, old, now(), false).response().error());
    }

    @Test
    void aNewActiveControllerCatchesUpAndGrantsEveryBrokerAFreshLease() {
        join(1, 2);
        createTopic("t", 2, Map.of());
        Controller successor = controller(Map.of());
        // The old controller goes on committing after the successor was built.
        controller.createTopics(List.of(NewTopic.withDefaults("late")), false);
        clock.advanceMs(SESSION_MS * 3);
        MetadataImage caughtUp = successor.onBecomeActive(now());
        assertEquals(controller.image(), caughtUp);
        clock.advanceMs(SESSION_MS - 1);
        assertSame(caughtUp, successor.tick(now()).image(), "leases run from the moment it became active");
        clock.advanceMs(1);
        assertTrue(successor.tick(now()).image().broker(1).fenced());
    }
}
