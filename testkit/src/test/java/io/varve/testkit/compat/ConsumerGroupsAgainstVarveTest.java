package io.varve.testkit.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.varve.testkit.EmbeddedVarve;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official KafkaConsumer's classic group protocol against a Varve node: three members share
 * six partitions; one leaves (close), one dies (stops polling, so its heartbeat thread gives up
 * after max.poll.interval.ms); after each rebalance every record produced is consumed, and since
 * each poll's records are committed before the next poll, none twice unless its commit failed.
 * Then the broker restarts: the committed offsets and the group come back, and a new member
 * resumes exactly where the group left off. The official Admin lists, describes and deletes it.
 */
class ConsumerGroupsAgainstVarveTest {

    private static final int PARTITIONS = 6;
    private static final int PER_PHASE = 600;
    private static final long WAIT_MS = 90_000;

    @TempDir
    Path dir;
    private EmbeddedVarve varve;
    private Admin admin;
    private KafkaProducer<String, String> producer;
    private final List<Member> members = new ArrayList<>();
    private final Map<String, AtomicInteger> consumed = new ConcurrentHashMap<>();
    private final Set<String> uncommitted = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws Exception {
        varve = EmbeddedVarve.start(dir, Map.of("group.initial.rebalance.delay.ms", "0",
            "group.min.session.timeout.ms", "1000", "offsets.topic.num.partitions", "3"));
        admin = Admin.create(Map.of("bootstrap.servers", varve.bootstrapServers()));
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", varve.bootstrapServers()), new StringSerializer(),
            new StringSerializer());
    }

    @AfterEach
    void stop() {
        members.forEach(Member::stopAndClose);
        members.forEach(Member::closeDead);
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(10));
        }
        if (varve != null) {
            varve.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"org.apache.kafka.clients.consumer.RangeAssignor",
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"})
    void threeMembersShareSixPartitionsThroughLeavesDeathsAndARestart(String assignor) throws Exception {
        String topic = "orders";
        String group = "group-" + assignor.substring(assignor.lastIndexOf('.') + 1);
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);

        Member a = member(group, topic, assignor);
        Member b = member(group, topic, assignor);
        Member c = member(group, topic, assignor);
        await(() -> a.owned.get() + b.owned.get() + c.owned.get() == PARTITIONS && a.owned.get() > 0
            && b.owned.get() > 0 && c.owned.get() > 0, "three members share the six partitions");
        produceAndAwait(topic, "one", 0);

        c.stopAndClose();
        await(() -> a.owned.get() + b.owned.get() == PARTITIONS, "two members take over c's partitions");
        produceAndAwait(topic, "two", PER_PHASE);

        b.die();
        await(() -> a.owned.get() == PARTITIONS, "a takes every partition once b is gone");
        produceAndAwait(topic, "three", 2 * PER_PHASE);
        await(() -> caughtUp(group), "the coordinator reports no lag once a has committed everything");
        a.stopAndClose();
        b.closeDead();

        for (var e : consumed.entrySet()) {
            assertTrue(e.getValue().get() == 1 || uncommitted.contains(e.getKey()),
                e.getKey() + " consumed " + e.getValue().get() + " times though its commit succeeded");
        }

        Map<String, Integer> countsBeforeRestart = new HashMap<>();
        consumed.forEach((value, count) -> countsBeforeRestart.put(value, count.get()));
        assertEquals(3 * PER_PHASE, countsBeforeRestart.size(), "every record of the first three phases consumed");
        Map<TopicPartition, Long> ends = endOffsets(topic);
        varve.restart();
        admin.close(Duration.ofSeconds(10));
        admin = Admin.create(Map.of("bootstrap.servers", varve.bootstrapServers()));
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
        Map<TopicPartition, Long> committedOffsets = new HashMap<>();
        committed.forEach((tp, o) -> committedOffsets.put(tp, o.offset()));
        assertEquals(ends, committedOffsets, "every partition committed to its end, and kept across the restart");

        Collection<ConsumerGroupListing> listed = admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS);
        assertTrue(listed.stream().anyMatch(l -> l.groupId().equals(group)), "listed: " + listed);
        ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group)).all()
            .get(30, TimeUnit.SECONDS).get(group);
        assertEquals(GroupState.EMPTY, described.groupState(), "every member left before the restart");

        Member resumed = member(group, topic, assignor);
        await(() -> resumed.owned.get() == PARTITIONS, "a new member takes every partition after the restart");
        produceAndAwait(topic, "four", 3 * PER_PHASE);
        resumed.stopAndClose();
        countsBeforeRestart.forEach((value, count) -> assertEquals(count, consumed.get(value).get(),
            value + " was consumed again after the restart: its commit was not kept"));
        for (int i = 0; i < PER_PHASE; i++) {
            assertEquals(1, consumed.get("four-" + i).get(), "four-" + i + " consumed once by the resumed member");
        }

        admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
        assertTrue(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
            .isEmpty(), "deleted with its offsets");
    }

    /** Lag as the coordinator computes it for metrics: six partitions of the group, all at 0. */
    private boolean caughtUp(String group) {
        try {
            var lag = varve.broker().groupCoordinator().lag().get(10, TimeUnit.SECONDS).stream()
                .filter(l -> l.groupId().equals(group)).toList();
            return lag.size() == PARTITIONS && lag.stream().allMatch(l -> l.lag() == 0 && l.endOffset() > 0);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private void produceAndAwait(String topic, String phase, int consumedBefore) throws Exception {
        for (int i = 0; i < PER_PHASE; i++) {
            producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, phase + "-" + i));
        }
        producer.flush();
        await(() -> consumed.size() == consumedBefore + PER_PHASE,
            () -> "phase " + phase + ": consumed " + consumed.size() + " of " + (consumedBefore + PER_PHASE));
    }

    private Member member(String group, String topic, String assignor) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", varve.bootstrapServers());
        config.put("group.id", group);
        config.put("enable.auto.commit", "false");
        config.put("auto.offset.reset", "earliest");
        config.put("partition.assignment.strategy", assignor);
        config.put("session.timeout.ms", "3000");
        config.put("heartbeat.interval.ms", "300");
        config.put("max.poll.interval.ms", "4000");
        Member m = new Member(new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer()), topic);
        members.add(m);
        m.thread.start();
        return m;
    }

    /** One consumer on its own thread: poll, count, commitSync, repeat. */
    private final class Member {
        final KafkaConsumer<String, String> consumer;
        final AtomicInteger owned = new AtomicInteger();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicBoolean closeOnExit = new AtomicBoolean(true);
        final Thread thread;

        Member(KafkaConsumer<String, String> consumer, String topic) {
            this.consumer = consumer;
            this.thread = new Thread(() -> loop(topic), "member");
            this.thread.setDaemon(true);
        }

        private void loop(String topic) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    owned.set(consumer.assignment().size() - partitions.size());
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    owned.set(consumer.assignment().size());
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    owned.set(0);
                }
            });
            while (running.get()) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                owned.set(consumer.assignment().size());
                if (records.isEmpty()) {
                    continue;
                }
                for (ConsumerRecord<String, String> r : records) {
                    consumed.computeIfAbsent(r.value(), v -> new AtomicInteger()).incrementAndGet();
                }
                try {
                    consumer.commitSync(Duration.ofSeconds(30));
                } catch (KafkaException e) {
                    records.forEach(r -> uncommitted.add(r.value()));
                }
            }
            if (closeOnExit.get()) {
                consumer.close(Duration.ofSeconds(10));
            }
        }

        /** Leaves the group cleanly and waits for the thread. */
        void stopAndClose() {
            running.set(false);
            join();
        }

        /**
         * Stops polling without leaving: the client's heartbeat thread gives up after
         * max.poll.interval.ms. The consumer stays open until {@link #closeDead}.
         */
        void die() {
            closeOnExit.set(false);
            running.set(false);
            join();
        }

        /** Closes a member that {@link #die}d, from the test thread (the poll thread is gone). */
        void closeDead() {
            if (!closeOnExit.get()) {
                closeOnExit.set(true);
                consumer.close(Duration.ofSeconds(10));
            }
        }

        private void join() {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        await(condition, () -> what);
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + WAIT_MS + " ms: " + what.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
