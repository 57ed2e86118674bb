package io.varve.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §6 and §7 tier 5: a deposed leader whose last leader epoch wrote nothing truncates once and
 * rejoins the ISR, over three real combined-role processes.
 *
 * <p>One partition, replication factor 3, 100 records written with {@code acks=all} by leader A at
 * leader epoch 0. A is frozen (SIGSTOP) until the controller fences it and epoch 1 goes to B; A is
 * thawed and back in the ISR. No record is written in epoch 1, so B's leader-epoch cache ends with
 * (epoch 1, offset 100) and no batch behind it, and no other replica knows epoch 1 at all. B is then
 * frozen until it is fenced in turn, and epoch 2 goes to another replica of the ISR (A again, or the
 * third node: neither knows epoch 1); B is thawed. B's next fetch names its last epoch, 1, which the
 * new leader does not know: the leader answers that B diverged at the end of epoch 0, offset 100,
 * which is where B's log already ends. B must drop epoch 1 there (Kafka's {@code UnifiedLog.truncateTo}
 * truncates the leader-epoch cache even when the offset is the log end, for this very case) so that
 * its next fetch agrees with the leader: B is back in the full ISR within {@link #REJOIN_BOUND}, it
 * does not fetch in a loop of divergences (few "log diverged from leader" lines), and 50 more records
 * reach all three replicas and are read back after the first 100, each once, in order.
 */
class FollowerTruncationTest {

    private static final int NODES = 3;
    private static final String TOPIC = "truncation";
    private static final int RECORDS = 100;
    private static final int RECORDS_AFTER = 50;
    private static final String DIVERGED = "log diverged from leader";
    /** A follower that truncates correctly diverges once per leader change; a loop logs thousands. */
    private static final int MAX_DIVERGED_LINES = 20;
    private static final int SESSION_TIMEOUT_MS = 3000;
    /**
     * Fencing a frozen node: the lease, the controller's timer and the commit, plus a quorum election
     * when the frozen node was the active controller, with room for a loaded machine.
     */
    private static final Duration FENCING_BOUND = Duration.ofMillis(8L * SESSION_TIMEOUT_MS);
    /** A thawed follower unfenced, told of the new leader, truncated, caught up and re-admitted. */
    private static final Duration REJOIN_BOUND = Duration.ofSeconds(30);
    private static final Duration STEP_BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private ProcessCluster cluster;

    @AfterEach
    void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aDeposedLeaderWhoseLastEpochWroteNothingTruncatesOnceAndRejoinsTheIsr() throws Exception {
        cluster = ProcessCluster.startCombined(dir, NODES, ProcessCluster.fastFailover(SESSION_TIMEOUT_MS, Map.of()));
        List<String> acked = new CopyOnWriteArrayList<>();
        int b;
        try (Admin admin = cluster.admin()) {
            cluster.awaitRegistered(admin, STEP_BOUND);
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) NODES)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(60, TimeUnit.SECONDS);
            awaitPartition(admin, p -> p.leader() != null && p.isr().size() == NODES, STEP_BOUND, "every replica in sync");
            produce("first", RECORDS, acked);
            assertEquals(RECORDS, acked.size(), "records acknowledged at leader epoch 0");

            // Epoch 1: A frozen past its lease, fenced, and B leads. Nothing is written in epoch 1.
            int a = awaitPartition(admin, p -> p.leader() != null, STEP_BOUND, "a leader").leader().id();
            cluster.node(a).pause();
            b = awaitPartition(admin, p -> p.leader() != null && p.leader().id() != a, FENCING_BOUND,
                "node " + a + " fenced and another replica leading").leader().id();
            cluster.node(a).resume();
            int leaderB = b;
            awaitPartition(admin, p -> p.leader() != null && p.leader().id() == leaderB && p.isr().size() == NODES,
                STEP_BOUND, "node " + a + " back in the ISR of leader " + b);

            // Epoch 2: B frozen past its lease, fenced, and the first other replica of the ISR leads (A again,
            // or the third node): either way one that has no batch of epoch 1 and does not know it.
            cluster.node(b).pause();
            int next = awaitPartition(admin, p -> p.leader() != null && p.leader().id() != leaderB, FENCING_BOUND,
                "node " + b + " fenced and another replica leading").leader().id();
            assertNotEquals(b, next);
            cluster.node(b).resume();
            TopicPartitionInfo rejoined;
            try {
                rejoined = awaitPartition(admin, p -> p.leader() != null && p.leader().id() == next
                    && p.isr().size() == NODES, REJOIN_BOUND, "node " + b + " back in the ISR of leader " + next);
            } catch (AssertionError e) {
                throw new AssertionError("node " + b + " logged " + divergedLines(b) + " lines with '" + DIVERGED + "'; "
                    + e.getMessage());
            }
            assertTrue(ids(rejoined.isr()).contains(b), rejoined.toString());

            produce("second", RECORDS_AFTER, acked);
            assertEquals(RECORDS + RECORDS_AFTER, acked.size(), "records acknowledged after B was deposed");
            // acks=all is answered once every ISR member has the records: with B still in the ISR, all three hold 150.
            awaitPartition(admin, p -> p.leader() != null && p.isr().size() == NODES, STEP_BOUND,
                "every replica in sync after the last records");
        }
        assertEquals(acked, readAll(), "every acknowledged record once, in send order");
        int deposed = b;
        long diverged = divergedLines(deposed);
        assertTrue(diverged < MAX_DIVERGED_LINES, () -> "node " + deposed + ", deposed, truncates once, not in a loop: "
            + diverged + " lines with '" + DIVERGED + "'" + logTails());
    }

    private long divergedLines(int nodeId) throws IOException {
        return cluster.node(nodeId).output().lines().filter(line -> line.contains(DIVERGED)).count();
    }

    /** Sends {@code count} records with unique values and waits for them; each acknowledged one is added in send order. */
    private void produce(String phase, int count, List<String> acked) {
        List<Exception> failures = new CopyOnWriteArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap(),
            "acks", "all", "enable.idempotence", "true", "delivery.timeout.ms", "60000", "request.timeout.ms", "5000",
            "reconnect.backoff.max.ms", "200", "linger.ms", "5"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String value = phase + "-" + i;
                producer.send(new ProducerRecord<>(TOPIC, 0, value, value), (metadata, error) -> {
                    if (error != null) {
                        failures.add(error);
                    } else {
                        acked.add(value);
                    }
                });
            }
            producer.flush(); // bounded by delivery.timeout.ms: every callback has run when it returns
        }
        assertEquals(List.of(), failures, "records of phase " + phase + " that were not acknowledged");
    }

    /** The partition from the beginning up to its end offset, with the official consumer, within {@link #STEP_BOUND}. */
    private List<String> readAll() {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap(),
            "enable.auto.commit", "false", "auto.offset.reset", "earliest", "request.timeout.ms", "5000",
            "default.api.timeout.ms", "10000", "reconnect.backoff.max.ms", "200"),
            new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + STEP_BOUND.toNanos();
            Object last = "nothing";
            while (System.nanoTime() - deadline < 0) {
                try {
                    long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(5)).get(tp);
                    last = end;
                    if (end >= RECORDS + RECORDS_AFTER && consumer.position(tp, Duration.ofSeconds(5)) >= end) {
                        return read;
                    }
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        read.add(r.value());
                    }
                } catch (KafkaException e) {
                    last = e; // the poll retries
                }
            }
            throw new AssertionError("read " + read.size() + " records, not up to the end within " + STEP_BOUND
                + "; last end offset or error: " + last + logTails());
        }
    }

    private String bootstrap() {
        return cluster.bootstrap();
    }

    /** Polls Metadata (bounded) until the partition satisfies {@code condition}. */
    private TopicPartitionInfo awaitPartition(Admin admin, Predicate<TopicPartitionInfo> condition, Duration bound,
                                              String what) throws Exception {
        return cluster.awaitPartitions(admin, TOPIC, 1, condition, bound, what).get(0);
    }

    private static Set<Integer> ids(List<Node> nodes) {
        return ProcessCluster.ids(nodes);
    }

    private String logTails() {
        return cluster.logTails(3000);
    }
}
