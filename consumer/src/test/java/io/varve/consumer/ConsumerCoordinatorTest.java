package io.varve.consumer;

import static io.varve.consumer.FakeNetwork.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.client.group.ConsumerProtocol;
import io.varve.common.TopicPartition;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.FindCoordinatorRequest;
import io.varve.protocol.generated.FindCoordinatorResponse;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.HeartbeatRequest;
import io.varve.protocol.generated.HeartbeatResponse;
import io.varve.protocol.generated.JoinGroupRequest;
import io.varve.protocol.generated.JoinGroupResponse;
import io.varve.protocol.generated.LeaveGroupRequest;
import io.varve.protocol.generated.LeaveGroupResponse;
import io.varve.protocol.generated.OffsetCommitRequest;
import io.varve.protocol.generated.OffsetCommitResponse;
import io.varve.protocol.generated.OffsetFetchRequest;
import io.varve.protocol.generated.OffsetFetchResponse;
import io.varve.protocol.generated.SyncGroupRequest;
import io.varve.protocol.generated.SyncGroupResponse;
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
    private final List<GeneratedMessage> sent = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private int generation;
    /** Partitions the leader's SyncGroup is answered with, per generation (null: the leader's own assignment). */
    private List<TopicPartition> syncOverride;
    private Errors commitError = Errors.NONE;
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    /** The group coordinator, answering in the shape of the version {@link FakeNetwork#versions} gives each API. */
    private GeneratedMessage coordinator(GeneratedMessage request) {
        sent.add(request);
        if (request instanceof FindCoordinatorRequest) {
            if (net.version(ApiKey.FIND_COORDINATOR) < 4) {
                return FindCoordinatorResponse.builder().nodeId(1).host("127.0.0.1").port(9092).build();
            }
            return FindCoordinatorResponse.builder().coordinators(List.of(FindCoordinatorResponse.Coordinator.builder()
                .key("g").nodeId(1).host("127.0.0.1").port(9092).build())).build();
        }
        if (request instanceof JoinGroupRequest j) {
            String memberId = j.memberId();
            if (memberId.isEmpty()) {
                if (net.version(ApiKey.JOIN_GROUP) >= 4) {
                    return JoinGroupResponse.builder().errorCode(Errors.MEMBER_ID_REQUIRED.code).protocolName(null)
                        .memberId("m-1").build();
                }
                memberId = "m-1"; // below v4 the coordinator assigns the member id in the join itself
            }
            generation++;
            JoinGroupRequest.JoinGroupRequestProtocol chosen = j.protocols().get(0);
            return JoinGroupResponse.builder().generationId(generation).protocolName(chosen.name()).leader(memberId)
                .memberId(memberId).members(List.of(new JoinGroupResponse.JoinGroupResponseMember(memberId, null, chosen.metadata())))
                .build();
        }
        if (request instanceof SyncGroupRequest s) {
            byte[] mine = s.assignments().stream().filter(a -> a.memberId().equals(s.memberId())).findFirst().orElseThrow().assignment();
            if (syncOverride != null) {
                mine = ConsumerProtocol.encodeAssignment(new ConsumerProtocol.Assignment(syncOverride));
            }
            return SyncGroupResponse.builder().assignment(mine).build();
        }
        if (request instanceof OffsetFetchRequest f) {
            return offsetFetch(f);
        }
        if (request instanceof OffsetCommitRequest c) {
            List<OffsetCommitResponse.OffsetCommitResponseTopic> topics = new ArrayList<>();
            for (OffsetCommitRequest.OffsetCommitRequestTopic t : c.topics()) {
                List<OffsetCommitResponse.OffsetCommitResponsePartition> ps = new ArrayList<>();
                for (OffsetCommitRequest.OffsetCommitRequestPartition p : t.partitions()) {
                    if (commitError == Errors.NONE) {
                        committed.put(new TopicPartition(t.name(), p.partitionIndex()), p.committedOffset());
                    }
                    ps.add(new OffsetCommitResponse.OffsetCommitResponsePartition(p.partitionIndex(), commitError.code));
                }
                topics.add(OffsetCommitResponse.OffsetCommitResponseTopic.builder().name(t.name()).partitions(ps).build());
            }
            return OffsetCommitResponse.builder().topics(topics).build();
        }
        if (request instanceof HeartbeatRequest) {
            return HeartbeatResponse.builder().build();
        }
        if (request instanceof LeaveGroupRequest) {
            return LeaveGroupResponse.builder().build();
        }
        throw new AssertionError("unexpected request " + request);
    }

    private OffsetFetchResponse offsetFetch(OffsetFetchRequest f) {
        if (net.version(ApiKey.OFFSET_FETCH) < 8) {
            List<OffsetFetchResponse.OffsetFetchResponseTopic> topics = new ArrayList<>();
            for (OffsetFetchRequest.OffsetFetchRequestTopic t : f.topics()) {
                List<OffsetFetchResponse.OffsetFetchResponsePartition> ps = new ArrayList<>();
                t.partitionIndexes().forEach(p -> ps.add(OffsetFetchResponse.OffsetFetchResponsePartition.builder()
                    .partitionIndex(p).committedOffset(committed.getOrDefault(new TopicPartition(t.name(), p), -1L)).build()));
                topics.add(new OffsetFetchResponse.OffsetFetchResponseTopic(t.name(), ps));
            }
            return OffsetFetchResponse.builder().topics(topics).build();
        }
        List<OffsetFetchResponse.OffsetFetchResponseTopics> topics = new ArrayList<>();
        for (OffsetFetchRequest.OffsetFetchRequestTopics t : f.groups().get(0).topics()) {
            List<OffsetFetchResponse.OffsetFetchResponsePartitions> ps = new ArrayList<>();
            t.partitionIndexes().forEach(p -> ps.add(OffsetFetchResponse.OffsetFetchResponsePartitions.builder()
                .partitionIndex(p).committedOffset(committed.getOrDefault(new TopicPartition(t.name(), p), -1L)).build()));
            topics.add(OffsetFetchResponse.OffsetFetchResponseTopics.builder().name(t.name()).partitions(ps).build());
        }
        return OffsetFetchResponse.builder().groups(List.of(OffsetFetchResponse.OffsetFetchResponseGroup.builder()
            .groupId("g").topics(topics).build())).build();
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

    private <T extends GeneratedMessage> List<T> sentOf(Class<T> type) {
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
            assertEquals(1, commit.generationIdOrMemberEpoch());
            assertEquals("m-1", commit.memberId());
        }
        // close revoked the partitions and left the group as a dynamic member.
        assertEquals("revoked [t-0, t-1]", events.get(events.size() - 1));
        assertEquals("m-1", sentOf(LeaveGroupRequest.class).get(0).members().get(0).memberId());
    }

    @Test
    void aBrokerOfferingOnlyOldVersionsGetsTheSameGroupFlowInItsShapes() {
        // The versions a broker before KIP-345/KIP-394/KIP-699/KIP-709/topic ids answers: one key in
        // FindCoordinator, a join without MEMBER_ID_REQUIRED, one group per OffsetFetch, one member per
        // LeaveGroup, Fetch by topic name and ListOffsets without leader epochs.
        net.versions.putAll(Map.of(ApiKey.FIND_COORDINATOR, (short) 2, ApiKey.JOIN_GROUP, (short) 3,
            ApiKey.SYNC_GROUP, (short) 2, ApiKey.HEARTBEAT, (short) 2, ApiKey.LEAVE_GROUP, (short) 2,
            ApiKey.OFFSET_FETCH, (short) 5, ApiKey.OFFSET_COMMIT, (short) 2, ApiKey.FETCH, (short) 11,
            ApiKey.LIST_OFFSETS, (short) 1));
        net.append(0, 5).append(1, 5);
        committed.put(tp(0), 3L);
        try (VarveConsumer<String, String> c = consumer("range")) {
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                c.poll(Duration.ofMillis(500)).forEach(got::add);
            }
            assertEquals(1, sentOf(JoinGroupRequest.class).size(), "no MEMBER_ID_REQUIRED round trip below v4");
            assertEquals(List.of("assigned [t-0, t-1]"), events);
            assertEquals(List.of(3L, 4L, 0L, 1L, 2L, 3L, 4L), got.stream().map(ConsumerRecord::offset).toList());
            assertEquals(FakeNetwork.TOPIC, net.fetches.get(0).topics().get(0).topic(), "fetched by name below v13");
            c.commitSync();
            assertEquals(Map.of(tp(0), 5L, tp(1), 5L), committed);
        }
        assertEquals("m-1", sentOf(LeaveGroupRequest.class).get(0).memberId(), "one member id below v3");
        assertEquals("g", sentOf(FindCoordinatorRequest.class).get(0).key(), "one key below v4");
        assertEquals("g", sentOf(OffsetFetchRequest.class).get(0).groupId(), "one group below v8");
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
