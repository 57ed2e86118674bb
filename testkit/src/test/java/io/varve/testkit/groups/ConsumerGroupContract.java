package io.varve.testkit.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.client.admin.AdminException;
import io.varve.client.admin.GroupDescription;
import io.varve.client.admin.GroupListing;
import io.varve.client.admin.VarveAdmin;
import io.varve.common.TopicPartition;
import io.varve.consumer.ByteArrayDeserializer;
import io.varve.consumer.ConsumerRecord;
import io.varve.consumer.OffsetAndMetadata;
import io.varve.consumer.VarveConsumer;
import io.varve.protocol.Errors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What Varve's consumer groups must do against any Kafka-protocol broker: members share a topic's
 * partitions exactly once, the group rebalances when a member leaves cleanly and when one dies
 * (its session expires), every record is consumed, a new member resumes from the committed offsets,
 * and a group may mix Varve consumers with official KafkaConsumers. Subclasses name the broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConsumerGroupContract {

    static final Duration DEADLINE = Duration.ofSeconds(90);
    static final int SESSION_TIMEOUT_MS = 6_000;

    Admin admin;
    String bootstrap;

    abstract String startBroker() throws Exception;

    abstract void stopBroker() throws Exception;

    @BeforeAll
    void start() throws Exception {
        bootstrap = startBroker();
        admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
    }

    @AfterAll
    void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        stopBroker();
    }

    @Test
    void threeMembersShareSixPartitionsThroughALeaveADeathAndARestart() throws Exception {
        String topic = "group-e2e";
        String group = "g-e2e";
        createTopic(topic, 6);
        Set<String> expected = produce(topic, 6, 3_000);
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        GroupMember a = new GroupMember("a", props(group, "range", Map.of()), topic, consumed);
        GroupMember b = new GroupMember("b", props(group, "range", Map.of()), topic, consumed);
        // c is static: closing it does not leave the group, so the group sees it die when its session expires.
        GroupMember c = new GroupMember("c", props(group, "range", Map.of("group.instance.id", "member-c")), topic, consumed);
        List<GroupMember> members = List.of(a, b, c);
        await("three members share six partitions", () -> sharedExactly(members, 6, topic) && members.stream()
            .allMatch(m -> m.assignment.get().size() == 2));
        await("the first records consumed", () -> consumed.containsAll(expected));

        a.close();
        assertNull(a.failure.get());
        await("b and c share the partitions after a left", () -> sharedExactly(List.of(b, c), 6, topic));
        Set<String> more = produce(topic, 6, 600);
        c.close();
        long diedAt = System.nanoTime();
        await("b owns everything after c's session expired", () -> b.assignment.get().size() == 6);
        assertTrue(System.nanoTime() - diedAt >= TimeUnit.MILLISECONDS.toNanos(SESSION_TIMEOUT_MS / 2),
            "the group waited for c's session to expire");
        await("every record consumed", () -> consumed.containsAll(more) && consumed.containsAll(expected));
        b.close();
        assertNull(b.failure.get());
        assertNull(c.failure.get());

        Set<String> last = produce(topic, 6, 60);
        try (VarveConsumer<byte[], byte[]> d = new VarveConsumer<>(props(group, "range", Map.of("enable.auto.commit", "false")),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            d.subscribe(List.of(topic));
            Set<String> got = new HashSet<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!got.containsAll(last) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : d.poll(Duration.ofMillis(200))) {
                    got.add(r.topic() + "-" + r.partition() + "@" + r.offset());
                }
            }
            // b committed its positions when it closed: d resumes exactly there, reading only what came after.
            assertEquals(last, got);
            d.commitSync();
            Set<TopicPartition> all = new HashSet<>();
            for (int p = 0; p < 6; p++) {
                all.add(new TopicPartition(topic, p));
            }
            Map<TopicPartition, OffsetAndMetadata> committed = d.committed(all);
            long total = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
            assertEquals(3_000 + 600 + 60, total);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"range", "cooperative-sticky"})
    void varveAndKafkaConsumersShareAGroup(String strategy) throws Exception {
        String topic = "mixed-" + strategy;
        String group = "g-mixed-" + strategy;
        createTopic(topic, 4);
        Set<String> expected = produce(topic, 4, 1_000);
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        GroupMember varve = new GroupMember("varve", props(group, strategy, Map.of()), topic, consumed);
        Map<String, Object> kprops = new HashMap<>();
        kprops.put("bootstrap.servers", bootstrap);
        kprops.put("group.id", group);
        kprops.put("auto.offset.reset", "earliest");
        kprops.put("partition.assignment.strategy", strategy.equals("range")
            ? "org.apache.kafka.clients.consumer.RangeAssignor" : "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        Set<org.apache.kafka.common.TopicPartition> kafkaOwned = ConcurrentHashMap.newKeySet();
        Set<String> kafkaConsumed = ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicReference<Throwable> kafkaFailure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread kafkaThread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> k = new KafkaConsumer<>(kprops,
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
                k.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                        kafkaOwned.removeAll(partitions);
                    }

                    @Override
                    public void onPartitionsAssigned(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                        kafkaOwned.addAll(partitions);
                    }
                });
                while (running.get()) {
                    for (org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r : k.poll(Duration.ofMillis(200))) {
                        String id = r.topic() + "-" + r.partition() + "@" + r.offset();
                        consumed.add(id);
                        kafkaConsumed.add(id);
                    }
                }
            } catch (Throwable t) {
                kafkaFailure.set(t);
            }
        }, "kafka-member");
        kafkaThread.start();
        try {
            await("Varve and Kafka consumers split four partitions two and two", () -> {
                Set<TopicPartition> v = varve.assignment.get();
                if (v.size() != 2 || kafkaOwned.size() != 2) {
                    return false;
                }
                Set<String> all = new HashSet<>();
                v.forEach(tp -> all.add(tp.toString()));
                kafkaOwned.forEach(tp -> all.add(tp.toString()));
                return all.size() == 4;
            });
            await("every record consumed by the mixed group", () -> consumed.containsAll(expected));
            // Now that the split is stable, each member reads what lands in its own partitions.
            Set<String> after = produce(topic, 4, 400);
            await("every later record consumed", () -> consumed.containsAll(after));
            Set<String> kafkaPartitions = new HashSet<>();
            kafkaOwned.forEach(tp -> kafkaPartitions.add(tp.topic() + "-" + tp.partition()));
            for (String id : after) {
                boolean kafkas = kafkaPartitions.contains(id.substring(0, id.indexOf('@')));
                assertEquals(kafkas, kafkaConsumed.contains(id), id + " read by the member that owns its partition");
            }
        } finally {
            running.set(false);
            kafkaThread.join(TimeUnit.SECONDS.toMillis(60));
            varve.close();
        }
        assertNull(kafkaFailure.get());
        assertNull(varve.failure.get());
    }

    @Test
    void adminListsDescribesResetsAndDeletesAGroup() throws Exception {
        String topic = "admin-groups";
        String group = "g-admin";
        createTopic(topic, 3);
        Set<String> expected = produce(topic, 3, 30);
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        Map<String, Object> memberProps = props(group, "range", Map.of("client.id", "admin-test-member"));
        try (VarveAdmin varveAdmin = new VarveAdmin(Map.of("bootstrap.servers", bootstrap))) {
            GroupMember m = new GroupMember("m", memberProps, topic, consumed);
            await("the member consumed everything", () -> consumed.containsAll(expected) && m.assignment.get().size() == 3);
            assertTrue(varveAdmin.listGroups().get(60, TimeUnit.SECONDS).contains(new GroupListing(group, "consumer", "Stable")));
            GroupDescription d = varveAdmin.describeGroup(group).get(60, TimeUnit.SECONDS);
            assertEquals("Stable", d.state());
            assertEquals("consumer", d.protocolType());
            assertEquals("range", d.protocol());
            assertEquals(1, d.members().size());
            assertEquals("admin-test-member", d.members().get(0).clientId());
            assertEquals(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1), new TopicPartition(topic, 2)),
                d.members().get(0).assignment());
            AdminException busy = assertThrows(AdminException.class,
                () -> join(varveAdmin.deleteGroup(group)));
            assertEquals(Errors.NON_EMPTY_GROUP, busy.error());

            m.close();
            assertNull(m.failure.get());
            Map<TopicPartition, Long> committed = varveAdmin.listGroupOffsets(group).get(60, TimeUnit.SECONDS);
            assertEquals(Map.of(new TopicPartition(topic, 0), 10L, new TopicPartition(topic, 1), 10L,
                new TopicPartition(topic, 2), 10L), committed);
            varveAdmin.alterGroupOffsets(group, Map.of(new TopicPartition(topic, 1), 4L)).get(60, TimeUnit.SECONDS);
            assertEquals(4L, varveAdmin.listGroupOffsets(group).get(60, TimeUnit.SECONDS).get(new TopicPartition(topic, 1)));

            varveAdmin.deleteGroup(group).get(60, TimeUnit.SECONDS);
            assertTrue(varveAdmin.listGroups().get(60, TimeUnit.SECONDS).stream().noneMatch(g -> g.groupId().equals(group)));
            assertTrue(varveAdmin.listGroupOffsets(group).get(60, TimeUnit.SECONDS).isEmpty());
            AdminException gone = assertThrows(AdminException.class, () -> join(varveAdmin.deleteGroup(group)));
            assertEquals(Errors.GROUP_ID_NOT_FOUND, gone.error());
        }
    }

    /** The future's value, its AdminException rethrown as is. */
    static <T> T join(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof AdminException a) {
                throw a;
            }
            throw e;
        }
    }

    Map<String, Object> props(String group, String strategy, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(extra);
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", group);
        p.put("auto.offset.reset", "earliest");
        p.put("session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS));
        p.put("heartbeat.interval.ms", "500");
        p.put("partition.assignment.strategy", strategy);
        p.put("auto.commit.interval.ms", "500");
        return p;
    }

    /** Creates {@code topic} and waits until every partition has a leader (Apache Kafka answers before). */
    void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
        await(topic + " has a leader for every partition", () -> {
            try {
                var description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
                return description.partitions().size() == partitions
                    && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
            } catch (Exception notYet) {
                return false;
            }
        });
    }

    /** Produces {@code perPartition} records to each partition; returns their ids (topic-partition@offset). */
    Set<String> produce(String topic, int partitions, int total) throws Exception {
        Set<String> ids = new HashSet<>();
        // Not idempotent: what is checked here is the group, and Apache Kafka 4.3.1 can leave an idempotent
        // producer retrying OUT_OF_ORDER_SEQUENCE_NUMBER forever after its first batch met a leader change
        // (seen in about one run in three on this machine, the whole 60 s bound).
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "linger.ms", 5,
                "enable.idempotence", false, "acks", "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, i % partitions, null, ("v" + i).getBytes())));
            }
            for (var ack : acks) {
                var md = ack.get(60, TimeUnit.SECONDS);
                ids.add(md.topic() + "-" + md.partition() + "@" + md.offset());
            }
        }
        return ids;
    }

    static boolean sharedExactly(List<GroupMember> members, int partitions, String topic) {
        List<TopicPartition> all = new ArrayList<>();
        members.forEach(m -> all.addAll(m.assignment.get()));
        return all.size() == partitions && new HashSet<>(all).size() == partitions
            && all.stream().allMatch(tp -> tp.topic().equals(topic));
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
