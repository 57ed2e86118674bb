package io.varve.consumer;

import static io.varve.consumer.FakeNetwork.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.client.group.ConsumerProtocol;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.protocol.message.ApiRequest;
import io.varve.protocol.message.ApiResponse;
import io.varve.protocol.message.FindCoordinatorRequest;
import io.varve.protocol.message.FindCoordinatorResponse;
import io.varve.protocol.message.HeartbeatRequest;
import io.varve.protocol.message.HeartbeatResponse;
import io.varve.protocol.message.JoinGroupRequest;
import io.varve.protocol.message.JoinGroupResponse;
import io.varve.protocol.message.LeaveGroupRequest;
import io.varve.protocol.message.LeaveGroupResponse;
import io.varve.protocol.message.OffsetCommitRequest;
import io.varve.protocol.message.OffsetCommitResponse;
import io.varve.protocol.message.OffsetFetchRequest;
import io.varve.protocol.message.OffsetFetchResponse;
import io.varve.protocol.message.SyncGroupRequest;
import io.varve.protocol.message.SyncGroupResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The consumer's group membership against a scripted coordinator in memory (manual clock): the
 * two-step join, the leader's assignment, positions from committed offsets, eager and cooperative
 * rebalances, commits refused for the generation, and the leave at close.
 */
class ConsumerCoordinatorTest {

    private final FakeNetwork net = new FakeNetwork(2);
    /** Every group request the consumer sent, in order. */
    private final List<ApiRequest> sent = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private int generation;
    /** Partitions the leader's SyncGroup is answered with, per generation (null: the leader's own assignment). */
    private List<TopicPartition> syncOverride;
    private Errors commitError = Errors.NONE;
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    private ApiResponse coordinator(ApiRequest request) {
        sent.add(request);
        if (request instanceof FindCoordinatorRequest) {
            return new FindCoordinatorResponse(0, List.of(new FindCoordinatorResponse.Coordinator("g", 1, "127.0.0.1", 9092, (short) 0, null)));
        }
        if (request instanceof JoinGroupRequest j) {
            if (j.memberId().isEmpty()) {
                return new JoinGroupResponse(0, Errors.MEMBER_ID_REQUIRED.code, -1, null, null, "", false, "m-1", List.of());
            }
            generation++;
            JoinGroupRequest.Protocol chosen = j.protocols().get(0);
            return new JoinGroupResponse(0, (short) 0, generation, "consumer", chosen.name(), j.memberId(), false, j.memberId(),
                List.of(new JoinGroupResponse.Member(j.memberId(), null, chosen.metadata())));
        }
        if (request instanceof SyncGroupRequest s) {
            byte[] mine = s.assignments().stream().filter(a -> a.memberId().equals(s.memberId())).findFirst().orElseThrow().assignment();
            if (syncOverride != null) {
                mine = ConsumerProtocol.encodeAssignment(new ConsumerProtocol.Assignment(syncOverride));
            }
            return new SyncGroupResponse(0, (short) 0, "consumer", s.protocolName(), mine);
        }
        if (request instanceof OffsetFetchRequest f) {
            List<OffsetFetchResponse.Topic> topics = new ArrayList<>();
            for (OffsetFetchRequest.Topic t : f.groups().get(0).topics()) {
                List<OffsetFetchResponse.Partition> ps = new ArrayList<>();
                t.partitionIndexes().forEach(p -> ps.add(new OffsetFetchResponse.Partition(p,
                    committed.getOrDefault(new TopicPartition(t.name(), p), -1L), -1, null, (short) 0)));
                topics.add(new OffsetFetchResponse.Topic(t.name(), ps));
            }
            return new OffsetFetchResponse(0, List.of(new OffsetFetchResponse.Group("g", topics, (short) 0)));
        }
        if (request instanceof OffsetCommitRequest c) {
            List<OffsetCommitResponse.Topic> topics = new ArrayList<>();
            for (OffsetCommitRequest.Topic t : c.topics()) {
                List<OffsetCommitResponse.Partition> ps = new ArrayList<>();
                for (OffsetCommitRequest.Partition p : t.partitions()) {
                    if (commitError == Errors.NONE) {
                        committed.put(new TopicPartition(t.name(), p.partitionIndex()), p.committedOffset());
                    }
                    ps.add(new OffsetCommitResponse.Partition(p.partitionIndex(), commitError.code));
                }
                topics.add(new OffsetCommitResponse.Topic(t.name(), ps));
            }
            return new OffsetCommitResponse(0, topics);
        }
        if (request instanceof HeartbeatRequest) {
            return new HeartbeatResponse(0, (short) 0);
        }
        if (request instanceof LeaveGroupRequest) {
            return new LeaveGroupResponse(0, (short) 0, List.of());
        }
        throw new AssertionError("unexpected request " + request);
    }

    private VarveConsumer<String, String> consumer(String strategy) {
        net.groupHandler = this::coordinator;
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "127.0.0.1:9092");
        props.put("group.id", "g");
        props.put("auto.offset.reset", "earliest");
        props.put("partition.assignment.strategy", strategy);
        props.put("enable.auto.commit", "true");
        VarveConsumer<String, String> c = new VarveConsumer<>(ConsumerConfig.from(props), net, net.clock, new Random(7),
            new StringDeserializer(), new StringDeserializer());
        c.subscribe(List.of(FakeNetwork.TOPIC), new RebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                events.add("revoked " + sorted(partitions));
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                events.add("assigned " + sorted(partitions));
            }
        });
        return c;
    }

    private static List<TopicPartition> sorted(Collection<TopicPartition> partitions) {
        List<TopicPartition> out = new ArrayList<>(partitions);
        out.sort(null);
        return out;
    }

    private <T extends ApiRequest> List<T> sentOf(Class<T> type) {
        return sent.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void joinsInTwoStepsAssignsAsLeaderAndStartsFromCommittedOffsets() {
        net.append(0, 5).append(1, 5);
        committed.put(tp(0), 3L);
        try (VarveConsumer<String, String> c = consumer("range")) {
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                c.poll(Duration.ofMillis(500)).forEach(got::add);
            }
            List<JoinGroupRequest> joins = sentOf(JoinGroupRequest.class);
            assertEquals("", joins.get(0).memberId());
            assertEquals("m-1", joins.get(1).memberId());
            assertEquals(List.of("assigned [t-0, t-1]"), events);
            assertEquals(List.of(3L, 4L, 0L, 1L, 2L, 3L, 4L), got.stream().map(ConsumerRecord::offset).toList());
            assertEquals(5L, c.position(tp(0)));
            c.commitSync();
            assertEquals(Map.of(tp(0), 5L, tp(1), 5L), committed);
            OffsetCommitRequest commit = sentOf(OffsetCommitRequest.class).get(sentOf(OffsetCommitRequest.class).size() - 1);
            assertEquals(1, commit.generationId());
            assertEquals("m-1", commit.memberId());
        }
        // close revoked the partitions and left the group as a dynamic member.
        assertEquals("revoked [t-0, t-1]", events.get(events.size() - 1));
        assertEquals("m-1", sentOf(LeaveGroupRequest.class).get(0).members().get(0).memberId());
    }

    @Test
    void aRefusedCommitFailsAndTheEagerMemberRevokesEverythingBeforeRejoining() {
        try (VarveConsumer<String, String> c = consumer("range")) {
            c.poll(Duration.ofMillis(200));
            assertEquals(List.of("assigned [t-0, t-1]"), events);
            commitError = Errors.REBALANCE_IN_PROGRESS;
            assertThrows(CommitFailedException.class, c::commitSync);
            commitError = Errors.NONE;
            c.poll(Duration.ofMillis(200));
            assertEquals(List.of("assigned [t-0, t-1]", "revoked [t-0, t-1]", "assigned [t-0, t-1]"), events);
            JoinGroupRequest rejoin = sentOf(JoinGroupRequest.class).get(2);
            ConsumerProtocol.Subscription s = ConsumerProtocol.decodeSubscription(ByteBuffer.wrap(rejoin.protocols().get(0).metadata()));
            assertTrue(s.ownedPartitions().isEmpty(), "an eager member owns nothing when it rejoins");
            assertEquals(2, generation);
        }
    }

    @Test
    void aCooperativeMemberKeepsItsPartitionsRevokesOnlyTheLostOnesAndRejoinsOnce() {
        try (VarveConsumer<String, String> c = consumer("cooperative-sticky")) {
            c.poll(Duration.ofMillis(200));
            assertEquals(List.of("assigned [t-0, t-1]"), events);
            // A rebalance in which the leader hands partition 1 elsewhere.
            syncOverride = List.of(tp(0));
            commitError = Errors.REBALANCE_IN_PROGRESS;
            assertThrows(CommitFailedException.class, c::commitSync);
            commitError = Errors.NONE;
            c.poll(Duration.ofMillis(200));
            JoinGroupRequest rejoin = sentOf(JoinGroupRequest.class).get(2);
            ConsumerProtocol.Subscription s = ConsumerProtocol.decodeSubscription(ByteBuffer.wrap(rejoin.protocols().get(0).metadata()));
            assertEquals(List.of(tp(0), tp(1)), s.ownedPartitions());
            assertEquals(1, s.generationId());
            assertEquals(1, ByteBuffer.wrap(s.userData()).getInt(), "the cooperative-sticky generation in the user data");
            assertEquals(List.of("assigned [t-0, t-1]", "revoked [t-1]", "assigned []", "assigned []"), events.subList(0, 4));
            assertTrue(sentOf(JoinGroupRequest.class).size() >= 4, "a second rebalance followed the revocation");
            assertEquals(List.of(tp(0)), sorted(c.assignment()));
        }
    }

    @Test
    void aPatternSubscribesToTheMatchingTopicsInTheMetadata() {
        net.groupHandler = this::coordinator;
        Map<String, Object> props = Map.of("bootstrap.servers", "127.0.0.1:9092", "group.id", "g",
            "partition.assignment.strategy", "roundrobin");
        try (VarveConsumer<String, String> c = new VarveConsumer<>(ConsumerConfig.from(props), net, net.clock, new Random(7),
                new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(java.util.regex.Pattern.compile("x|t"), RebalanceListener.NOOP);
            c.poll(Duration.ofMillis(200));
            assertEquals(java.util.Set.of(FakeNetwork.TOPIC), c.subscription());
            assertEquals(List.of(tp(0), tp(1)), sorted(c.assignment()));
            ConsumerProtocol.Subscription s = ConsumerProtocol.decodeSubscription(
                ByteBuffer.wrap(sentOf(JoinGroupRequest.class).get(1).protocols().get(0).metadata()));
            assertEquals(List.of(FakeNetwork.TOPIC), s.topics());
        }
        try (VarveConsumer<String, String> c = new VarveConsumer<>(ConsumerConfig.from(props), net, net.clock, new Random(7),
                new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(java.util.regex.Pattern.compile("nothing-.*"), RebalanceListener.NOOP);
            c.poll(Duration.ofMillis(200));
            assertTrue(c.assignment().isEmpty(), "no topic matches: no join, no partitions");
        }
    }

    @Test
    void subscribeNeedsAGroupAndExcludesAssign() {
        Map<String, Object> props = Map.of("bootstrap.servers", "127.0.0.1:9092");
        try (VarveConsumer<String, String> plain = new VarveConsumer<>(ConsumerConfig.from(props), net, net.clock, new Random(7),
                new StringDeserializer(), new StringDeserializer())) {
            assertThrows(IllegalStateException.class, () -> plain.subscribe(List.of("t")));
        }
        try (VarveConsumer<String, String> c = consumer("range")) {
            assertThrows(IllegalStateException.class, () -> c.assign(List.of(tp(0))));
        }
    }
}
