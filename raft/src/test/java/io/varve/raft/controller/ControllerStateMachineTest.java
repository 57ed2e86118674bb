package io.varve.raft.controller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.Errors;
import io.varve.raft.metadata.MetadataDelta;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.metadata.PartitionImage;
import io.varve.raft.metadata.TopicImage;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Each controller rule, decided against an image; records are applied the way the Controller does. */
class ControllerStateMachineTest {

    private final ControllerStateMachine controller = new ControllerStateMachine(
        ControllerConfig.from(Map.of(ControllerConfig.NUM_PARTITIONS, 3, ControllerConfig.MAX_PARTITIONS_PER_REQUEST, 20)),
        new Random(42));
    private MetadataImage image = MetadataImage.empty("cluster");

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
            HeartbeatResult heartbeat = run(controller.brokerHeartbeat(image, id, image.broker(id).epoch(), false));
            assertEquals(new HeartbeatResult(Errors.NONE, false, false), heartbeat);
        }
    }

    private CreateTopicResult create(NewTopic topic) {
        return run(controller.createTopics(image, List.of(topic), false)).get(0);
    }

    private static NewTopic topic(String name, int partitions, int replication) {
        return new NewTopic(name, partitions, (short) replication, Map.of());
    }

    @Test
    void createTopicPlacesReplicasRoundRobinWithTheFirstReplicaLeadingAtEpochZero() {
        brokers(3, 1, 2);
        CreateTopicResult result = create(topic("orders", 4, 2));
        assertEquals(Errors.NONE, result.error());
        assertEquals(4, result.numPartitions());
        assertEquals(2, result.replicationFactor());
        TopicImage orders = image.topic("orders");
        assertEquals(result.topicId(), orders.topicId());
        int[] ring = {1, 2, 3};
        int start = orders.partition(0).leader() - 1;
        for (int p = 0; p < 4; p++) {
            PartitionImage partition = orders.partition(p);
            int[] expected = {ring[(start + p) % 3], ring[(start + p + 1) % 3]};
            assertArrayEquals(expected, partition.replicas(), "partition " + p);
            assertArrayEquals(expected, partition.isr());
            assertEquals(expected[0], partition.leader());
            assertEquals(0, partition.leaderEpoch());
        }
    }

    @Test
    void topicsArePlacedOnlyOnUnfencedBrokers() {
        brokers(1, 2, 3);
        run(controller.fenceBrokers(image, List.of(2)));
        assertEquals(Errors.INVALID_REPLICATION_FACTOR, create(topic("t", 1, 3)).error(), "only two are unfenced");
        create(topic("t", 8, 2));
        for (PartitionImage p : image.topic("t").partitions().values()) {
            assertArrayEquals(new int[] {p.leader(), p.leader() == 1 ? 3 : 1}, p.replicas(), p.toString());
        }
    }

    @Test
    void defaultsApplyForMinusOneAndEffectiveConfigsAreReturned() {
        brokers(1);
        CreateTopicResult result = create(new NewTopic("t", -1, (short) -1, Map.of("retention.ms", "1000")));
        assertEquals(Errors.NONE, result.error());
        assertEquals(3, result.numPartitions());
        assertEquals(1, result.replicationFactor());
        assertEquals("1000", result.configs().get("retention.ms"));
        assertEquals("delete", result.configs().get("cleanup.policy"));
        assertEquals(Map.of("retention.ms", "1000"), image.topic("t").configs(), "only overrides are stored");
    }

    @Test
    void anExistingTopicOrANameUsedTwiceIsRefused() {
        brokers(1);
        create(topic("t", 1, 1));
        assertEquals(Errors.TOPIC_ALREADY_EXISTS, create(topic("t", 1, 1)).error());
        List<CreateTopicResult> twice = run(controller.createTopics(image,
            List.of(topic("u", 1, 1), topic("u", 1, 1)), false));
        assertEquals(Errors.NONE, twice.get(0).error());
        assertEquals(Errors.INVALID_REQUEST, twice.get(1).error());
        assertEquals(2, image.topicsByName().size());
    }

    @Test
    void invalidNamesAreRefused() {
        brokers(1);
        for (String name : new String[] {"", ".", "..", "a/b", "x".repeat(250), "sp ace"}) {
            CreateTopicResult result = create(topic(name, 1, 1));
            assertEquals(Errors.INVALID_TOPIC_EXCEPTION, result.error(), name);
            assertEquals(-1, result.numPartitions());
        }
        assertEquals(0, image.topicsByName().size());
    }

    @Test
    void partitionCountsBelowOneAreRefused() {
        brokers(1);
        assertEquals(Errors.INVALID_PARTITIONS, create(topic("t", 0, 1)).error());
        assertEquals(Errors.INVALID_PARTITIONS, create(topic("t", -2, 1)).error());
    }

    @Test
    void replicationFactorAboveTheRegisteredBrokersOrBelowOneIsRefused() {
        assertEquals(Errors.INVALID_REPLICATION_FACTOR, create(topic("t", 1, -1)).error(), "no broker at all");
        brokers(1, 2);
        assertEquals(Errors.INVALID_REPLICATION_FACTOR, create(topic("t", 1, 3)).error());
        assertEquals(Errors.INVALID_REPLICATION_FACTOR, create(topic("t", 1, 0)).error());
        assertEquals(Errors.NONE, create(topic("t", 1, 2)).error());
    }

    @Test
    void unknownOrInvalidConfigsAreRefused() {
        brokers(1);
        for (Map<String, String> configs : List.of(Map.of("no.such.config", "1"), Map.of("retention.ms", "soon"),
            Map.of("segment.bytes", "10"), Map.of("cleanup.policy", "shred"), Map.of("min.insync.replicas", "0"))) {
            CreateTopicResult result = create(new NewTopic("t", 1, (short) 1, configs));
            assertEquals(Errors.INVALID_CONFIG, result.error(), configs.toString());
            assertTrue(result.message().contains(configs.keySet().iterator().next()), result.message());
        }
        java.util.HashMap<String, String> nullValue = new java.util.HashMap<>();
        nullValue.put("retention.ms", null);
        assertEquals(Errors.INVALID_CONFIG, create(new NewTopic("t", 1, (short) 1, nullValue)).error());
        assertEquals(Errors.INVALID_CONFIG, create(new NewTopic("t", 1, (short) 1, Map.of("cleanup.policy", "compact"))).error(),
            "compaction is not served until the consumer-groups issue");
        assertEquals(Errors.NONE, create(new NewTopic("t", 1, (short) 1, Map.of("cleanup.policy", "delete"))).error());
    }

    @Test
    void aRequestMayNotCreateMorePartitionsThanTheLimit() {
        brokers(1);
        List<CreateTopicResult> results = run(controller.createTopics(image,
            List.of(topic("a", 15, 1), topic("b", 6, 1), topic("c", 5, 1)), false));
        assertEquals(List.of(Errors.NONE, Errors.POLICY_VIOLATION, Errors.NONE),
            results.stream().map(CreateTopicResult::error).toList());
        assertEquals(20, image.partitionCount());
    }

    @Test
    void validateOnlyAnswersAsIfCreatingButWritesNothingAndDrawsNoId() {
        brokers(1);
        ControllerResult<List<CreateTopicResult>> result =
            controller.createTopics(image, List.of(topic("t", 2, 1), topic("t", 2, 1)), true);
        assertEquals(List.of(), result.records());
        assertEquals(Errors.NONE, result.response().get(0).error());
        assertEquals(2, result.response().get(0).numPartitions());
        assertEquals(CreateTopicResult.NO_TOPIC_ID, result.response().get(0).topicId());
        assertEquals(Errors.INVALID_REQUEST, result.response().get(1).error());
        assertEquals(List.of(), controller.createPartitions(image, List.of(new NewPartitions("t", 5)), true).records());
    }

    @Test
    void topicIdsAreNeverZeroReservedOrColliding() {
        UUID existing = new UUID(7, 7);
        Deque<Long> longs = new ArrayDeque<>(List.of(0L, 0L, 0L, 1L, 7L, 7L, 9L, 9L, 9L, 9L, 5L, 5L));
        Random scripted = new Random() {
            private static final long serialVersionUID = 1L;

            @Override
            public long nextLong() {
                return longs.removeFirst();
            }
        };
        ControllerStateMachine rigged = new ControllerStateMachine(ControllerConfig.defaults(), scripted);
        brokers(1);
        MetadataDelta delta = new MetadataDelta(image);
        delta.replay(new MetadataRecord.Topic("existing", existing), image.lastAppliedOffset() + 1);
        image = delta.apply();
        List<CreateTopicResult> results = run(rigged.createTopics(image, List.of(topic("a", 1, 1), topic("b", 1, 1)), false));
        assertEquals(new UUID(9, 9), results.get(0).topicId());
        assertEquals(new UUID(5, 5), results.get(1).topicId(), "skips 0-0, 0-1, the existing id and the one drawn for a");
    }

    @Test
    void deleteTopicsByNameOrIdReportsUnknownOnesAndDuplicates() {
        brokers(1);
        UUID a = create(topic("a", 1, 1)).topicId();
        create(topic("b", 1, 1));
        UUID unknown = new UUID(3, 3);
        List<DeleteTopicResult> results = run(controller.deleteTopics(image, List.of(TopicRef.byId(a), TopicRef.byName("b"),
            TopicRef.byName("a"), TopicRef.byName("nope"), TopicRef.byId(unknown))));
        assertEquals(List.of(Errors.NONE, Errors.NONE, Errors.INVALID_REQUEST, Errors.UNKNOWN_TOPIC_OR_PARTITION,
            Errors.UNKNOWN_TOPIC_ID), results.stream().map(DeleteTopicResult::error).toList());
        assertEquals("a", results.get(0).name());
        assertEquals(0, image.topicsByName().size());
        assertNull(image.topic(a));
    }

    @Test
    void createPartitionsOnlyGrowsAndPlacesTheNewOnes() {
        brokers(1, 2);
        create(topic("t", 2, 2));
        List<CreatePartitionsResult> results = run(controller.createPartitions(image, List.of(
            new NewPartitions("t", 2), new NewPartitions("missing", 3)), false));
        assertEquals(Errors.INVALID_PARTITIONS, results.get(0).error());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, results.get(1).error());
        assertEquals(Errors.INVALID_PARTITIONS, run(controller.createPartitions(image, List.of(new NewPartitions("t", 1)), false))
            .get(0).error());
        assertEquals(Errors.NONE, run(controller.createPartitions(image, List.of(new NewPartitions("t", 5)), false))
            .get(0).error());
        TopicImage t = image.topic("t");
        assertEquals(5, t.partitionCount());
        assertEquals(2, t.partition(4).replicaCount());
        assertNotEquals(t.partition(2).leader(), t.partition(3).leader(), "leaders keep rotating");
    }

    @Test
    void producerIdsComeInDisjointBlocksOfAThousandForRegisteredBrokers() {
        assertEquals(Errors.BROKER_ID_NOT_REGISTERED, run(controller.allocateProducerIds(image, 1)).error());
        brokers(1);
        ProducerIdBlock first = run(controller.allocateProducerIds(image, 1));
        ProducerIdBlock second = run(controller.allocateProducerIds(image, 1));
        assertEquals(new ProducerIdBlock(Errors.NONE, 0, 1000), first);
        assertEquals(new ProducerIdBlock(Errors.NONE, 1000, 1000), second);
        assertEquals(2000, image.nextProducerId());
    }

    @Test
    void brokerRegistrationValidatesAndEachOneIsANewFencedIncarnation() {
        assertEquals(Errors.INVALID_REQUEST, run(controller.registerBroker(image, -1, "h", 1, null)).error());
        assertEquals(Errors.INVALID_REQUEST, run(controller.registerBroker(image, 1, "", 1, null)).error());
        assertEquals(Errors.INVALID_REQUEST, run(controller.registerBroker(image, 1, "h", 70_000, null)).error());
        assertEquals(List.of(new MetadataRecord.RegisterBroker(1, "h", 1, "r")),
            controller.registerBroker(image, 1, "h", 1, "r").records());
        run(controller.registerBroker(image, 1, "h", 1, "r"));
        long first = image.broker(1).epoch();
        assertTrue(image.broker(1).fenced());
        run(controller.registerBroker(image, 1, "h", 1, "r"));
        assertTrue(image.broker(1).epoch() > first, "the same endpoint again is a new incarnation");
        assertEquals(Errors.STALE_BROKER_EPOCH, run(controller.brokerHeartbeat(image, 1, first, false)).error());
        assertEquals(Errors.BROKER_ID_NOT_REGISTERED, run(controller.brokerHeartbeat(image, 2, 0, false)).error());
    }
}
