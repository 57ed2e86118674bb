package io.varve.testkit.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.varve.client.Node;
import io.varve.client.admin.AdminException;
import io.varve.client.admin.ClusterDescription;
import io.varve.client.admin.CreatedTopic;
import io.varve.client.admin.ListedOffset;
import io.varve.client.admin.NewTopic;
import io.varve.client.admin.OffsetSpec;
import io.varve.client.admin.TopicDescription;
import io.varve.client.admin.TopicResults;
import io.varve.client.admin.VarveAdmin;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link VarveAdmin} must do against any Kafka-protocol broker of one node. Subclasses name the
 * broker: a Varve node, or a real Apache Kafka, which proves the client speaks Kafka and not only
 * Varve. Each test uses its own topic names, so one broker may serve a whole class.
 */
abstract class VarveAdminContract {

    static final long AWAIT_MS = 30_000L;

    VarveAdmin admin;

    /** {@code host:port} of the broker under test. */
    abstract String bootstrapServers();

    @BeforeEach
    void openAdmin() {
        admin = new VarveAdmin(Map.of("bootstrap.servers", bootstrapServers(), "default.api.timeout.ms", "20000"));
    }

    @AfterEach
    void closeAdmin() {
        admin.close();
    }

    @Test
    void createsListsDescribesGrowsAndDeletesATopic() throws Exception {
        CreatedTopic created = await(admin.createTopics(List.of(
            new NewTopic("orders", 3, 1, Map.of("retention.ms", "3600000")))).get("orders"));
        assertEquals(3, created.partitions());
        assertNotEquals(new UUID(0L, 0L), created.topicId());
        // Kafka answers CreateTopics once the controller committed the topic; the broker that lists
        // topics applies the metadata log asynchronously and may not show it yet, so wait (bounded).
        awaitCondition(() -> await(admin.listTopics()).contains("orders"), "orders to join the topic list");

        int nodeId = onlyNode().id();
        TopicDescription orders = awaitDescription("orders", 3);
        assertEquals(created.topicId(), orders.topicId());
        assertFalse(orders.internal());
        for (int p = 0; p < 3; p++) {
            TopicDescription.PartitionDescription partition = orders.partitions().get(p);
            assertEquals(p, partition.partition());
            assertEquals(nodeId, partition.leaderId(), "the only node leads every partition");
            assertEquals(List.of(nodeId), partition.replicas());
            assertEquals(List.of(nodeId), partition.isr());
        }

        assertEquals("3600000", await(admin.describeTopicConfigs("orders")).get("retention.ms"));
        assertTrue(await(admin.describeTopicConfigs("orders")).containsKey("cleanup.policy"), "defaults are listed too");
        assertEquals(Map.of("retention.ms", "3600000"), await(admin.describeTopicConfigOverrides("orders")));

        await(admin.createPartitions(Map.of("orders", 5)).all());
        awaitDescription("orders", 5);

        await(admin.deleteTopics(List.of("orders")).all());
        awaitCondition(() -> !await(admin.listTopics()).contains("orders"), "orders to leave the topic list");
    }

    @Test
    void createsWithTheBrokersDefaultsWhenAskedFor() throws Exception {
        CreatedTopic created = await(admin.createTopics(List.of(NewTopic.withDefaults("defaults"))).get("defaults"));
        assertEquals(1, created.partitions(), "num.partitions is 1 on the broker under test");
        assertEquals(1, created.replicationFactor());
        assertEquals(1, awaitDescription("defaults", 1).partitions().size());
    }

    @Test
    void reportsEachTopicOfOneRequestOnItsOwn() throws Exception {
        await(admin.createTopics(List.of(NewTopic.of("taken", 1))).all());
        TopicResults<CreatedTopic> results = admin.createTopics(List.of(NewTopic.of("fresh", 2), NewTopic.of("taken", 1)));
        assertEquals(2, await(results.get("fresh")).partitions());
        assertError(Errors.TOPIC_ALREADY_EXISTS, results.get("taken"));
        assertError(Errors.TOPIC_ALREADY_EXISTS, results.all());
    }

    @Test
    void refusesBadTopicRequestsWithKafkasErrors() throws Exception {
        await(admin.createTopics(List.of(NewTopic.of("existing", 2))).all());
        awaitDescription("existing", 2);
        assertError(Errors.TOPIC_ALREADY_EXISTS, admin.createTopics(List.of(NewTopic.of("existing", 1))).all());
        assertError(Errors.INVALID_TOPIC_EXCEPTION, admin.createTopics(List.of(NewTopic.of("bad/name", 1))).all());
        assertError(Errors.INVALID_CONFIG, admin.createTopics(
            List.of(new NewTopic("bad-config", 1, 1, Map.of("retention.ms", "soon")))).all());
        assertError(Errors.INVALID_PARTITIONS, admin.createPartitions(Map.of("existing", 1)).all());
        assertError(Errors.UNKNOWN_TOPIC_OR_PARTITION, admin.deleteTopics(List.of("missing")).all());
        assertError(Errors.UNKNOWN_TOPIC_OR_PARTITION, admin.createPartitions(Map.of("missing", 3)).all());
        assertError(Errors.UNKNOWN_TOPIC_OR_PARTITION, admin.describeTopics(List.of("missing")));
        assertError(Errors.UNKNOWN_TOPIC_OR_PARTITION, admin.describeTopicConfigs("missing"));
        assertError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
            admin.listOffsets(Map.of(new TopicPartition("existing", 7), OffsetSpec.LATEST)));
        assertFalse(await(admin.listTopics()).contains("bad-config"), "a refused topic is not created");
    }

    @Test
    void describesTheClusterOfOne() throws Exception {
        ClusterDescription cluster = await(admin.describeCluster());
        assertNotNull(cluster.clusterId());
        assertEquals(1, cluster.nodes().size());
        Node node = cluster.nodes().get(0);
        assertEquals(node.id(), cluster.controllerId(), "the only node is the controller");
        assertEquals(bootstrapServers(), node.host() + ":" + node.port());
    }

    @Test
    void listsEarliestLatestMaxTimestampAndByTimestampOffsets() throws Exception {
        await(admin.createTopics(List.of(NewTopic.of("clock", 2))).all());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("clock", 0, 1_000L * (i + 1), null, "v" + i)).get(AWAIT_MS, TimeUnit.MILLISECONDS);
            }
        }
        TopicPartition p0 = new TopicPartition("clock", 0);
        TopicPartition p1 = new TopicPartition("clock", 1);
        Map<TopicPartition, ListedOffset> latest = await(admin.listOffsets(Map.of(p0, OffsetSpec.LATEST, p1, OffsetSpec.LATEST)));
        assertEquals(Set.of(p0, p1), latest.keySet());
        assertEquals(10, latest.get(p0).offset());
        assertEquals(0, latest.get(p1).offset(), "nothing was written to partition 1");
        assertEquals(0, offset(p0, OffsetSpec.EARLIEST).offset());
        assertEquals(4, offset(p0, OffsetSpec.forTimestamp(4_500L)).offset(), "first record at or after the timestamp");
        assertEquals(5_000L, offset(p0, OffsetSpec.forTimestamp(4_500L)).timestampMs());
        ListedOffset max = offset(p0, OffsetSpec.MAX_TIMESTAMP);
        assertEquals(9, max.offset());
        assertEquals(10_000L, max.timestampMs());
        assertEquals(-1, offset(p0, OffsetSpec.forTimestamp(99_000L)).offset(), "no record that late");
    }

    private ListedOffset offset(TopicPartition tp, OffsetSpec spec) throws Exception {
        return await(admin.listOffsets(Map.of(tp, spec))).get(tp);
    }

    private Node onlyNode() throws Exception {
        List<Node> nodes = await(admin.describeCluster()).nodes();
        assertEquals(1, nodes.size());
        return nodes.get(0);
    }

    /**
     * The description of {@code topic} once it shows {@code partitions} partitions. A broker may
     * answer a create before its own metadata shows the change (Apache Kafka applies the metadata
     * log asynchronously), so this waits, bounded, as a caller of Kafka's own admin would.
     */
    TopicDescription awaitDescription(String topic, int partitions) {
        TopicDescription[] last = new TopicDescription[1];
        awaitCondition(() -> {
            try {
                last[0] = admin.describeTopics(List.of(topic)).get(AWAIT_MS, TimeUnit.MILLISECONDS).get(topic);
                return last[0].partitions().size() == partitions
                    && last[0].partitions().stream().allMatch(p -> p.leaderId() >= 0);
            } catch (ExecutionException e) {
                assertInstanceOf(AdminException.class, e.getCause());
                return false;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, topic + " with " + partitions + " partitions, each with a leader");
        return last[0];
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(AWAIT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("operation failed: " + e, e);
        }
    }

    static void assertError(Errors expected, CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(AWAIT_MS, TimeUnit.MILLISECONDS));
        AdminException cause = assertInstanceOf(AdminException.class, e.getCause(), () -> "got " + e.getCause());
        assertEquals(expected, cause.error(), cause::getMessage);
        assertNotNull(cause.getMessage());
    }

    /** Waits, bounded, until {@code condition} holds. */
    static void awaitCondition(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + AWAIT_MS + " ms waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
