package io.varve.testkit.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.testkit.EmbeddedVarve;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official {@code Admin} client against a Varve node: topics, partitions, configs, cluster, offsets. */
class AdminAgainstVarveTest {

    @TempDir
    Path dir;
    private EmbeddedVarve varve;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        varve = EmbeddedVarve.start(dir);
        admin = Admin.create(Map.of("bootstrap.servers", varve.bootstrapServers()));
    }

    @AfterEach
    void stop() {
        admin.close(Duration.ofSeconds(10));
        varve.close();
    }

    @Test
    void createsListsDescribesGrowsAndDeletesTopics() throws Exception {
        admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1).configs(Map.of("retention.ms", "3600000"))))
            .all().get();
        assertTrue(admin.listTopics().names().get().contains("orders"));

        TopicDescription orders = admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders");
        assertEquals(3, orders.partitions().size());
        assertNotNull(orders.topicId());
        orders.partitions().forEach(p -> assertEquals(1, p.leader().id(), "the only node leads every partition"));

        Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "orders")))
            .all().get().values().iterator().next();
        assertEquals("3600000", config.get("retention.ms").value());

        admin.createPartitions(Map.of("orders", NewPartitions.increaseTo(5))).all().get();
        assertEquals(5, admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").partitions().size());

        admin.deleteTopics(List.of("orders")).all().get();
        assertFalse(admin.listTopics().names().get().contains("orders"));
    }

    @Test
    void refusesBadTopicRequestsWithKafkasErrors() throws Exception {
        admin.createTopics(List.of(new NewTopic("taken", 1, (short) 1))).all().get();
        assertCause(TopicExistsException.class, () -> admin.createTopics(List.of(new NewTopic("taken", 1, (short) 1))).all().get());
        assertCause(InvalidTopicException.class, () -> admin.createTopics(List.of(new NewTopic("bad/name", 1, (short) 1))).all().get());
        assertCause(InvalidConfigurationException.class, () -> admin.createTopics(
            List.of(new NewTopic("bad-config", 1, (short) 1).configs(Map.of("retention.ms", "soon")))).all().get());
        assertCause(InvalidPartitionsException.class,
            () -> admin.createPartitions(Map.of("taken", NewPartitions.increaseTo(1))).all().get());
        assertCause(UnknownTopicOrPartitionException.class, () -> admin.deleteTopics(List.of("missing")).all().get());
    }

    @Test
    void describesTheClusterOfOne() throws Exception {
        var cluster = admin.describeCluster();
        assertEquals(1, cluster.nodes().get().size());
        assertEquals(1, cluster.controller().get().id());
        assertNotNull(cluster.clusterId().get());
    }

    @Test
    void listsEarliestLatestAndByTimestampOffsets() throws Exception {
        admin.createTopics(List.of(new NewTopic("clock", 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
            Map.of("bootstrap.servers", varve.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("clock", 0, 1_000L * (i + 1), null, "v" + i)).get();
            }
        }
        TopicPartition tp = new TopicPartition("clock", 0);
        assertEquals(0, offset(tp, OffsetSpec.earliest()));
        assertEquals(10, offset(tp, OffsetSpec.latest()));
        assertEquals(4, offset(tp, OffsetSpec.forTimestamp(4_500L)), "first record at or after the timestamp");
        assertEquals(9, offset(tp, OffsetSpec.maxTimestamp()));
        assertEquals(-1, offset(tp, OffsetSpec.forTimestamp(99_000L)), "no record that late");
    }

    @Test
    void topicsSurviveARestart() throws Exception {
        admin.createTopics(List.of(new NewTopic("durable", 2, (short) 1))).all().get();
        admin.close(Duration.ofSeconds(10));
        varve.restart();
        admin = Admin.create(Map.of("bootstrap.servers", varve.bootstrapServers()));
        assertEquals(Set.of("durable"), admin.listTopics().names().get());
        assertEquals(2, admin.describeTopics(List.of("durable")).allTopicNames().get().get("durable").partitions().size());
    }

    private long offset(TopicPartition tp, OffsetSpec spec) throws Exception {
        ListOffsetsResult result = admin.listOffsets(Map.of(tp, spec));
        return result.partitionResult(tp).get().offset();
    }

    private static void assertCause(Class<? extends Throwable> expected, ThrowingRunnable action) {
        ExecutionException e = assertThrows(ExecutionException.class, action::run);
        assertInstanceOf(expected, e.getCause(), () -> "got " + e.getCause());
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
