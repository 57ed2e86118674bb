package io.varve.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §5 ("nothing is deleted on the strength of metadata that has not caught up") and §7 tier 5:
 * every node of a three-node cluster (combined broker and controller) stops at once and starts again
 * on the same data directories and ports, and no acknowledged record is lost.
 *
 * <p>The official idempotent producer writes 1,000 records with {@code acks=all} to a topic of three
 * partitions, replication factor 3 and {@code min.insync.replicas=2}, and every one is acknowledged.
 * Then all three processes are killed with SIGKILL and restarted; once every partition has a leader,
 * the official consumer reads every partition from the beginning: each acknowledged record is there
 * exactly once, in send order within its partition, and nothing else is. The same holds after all
 * three stop cleanly with SIGTERM and start again, and the restarted cluster takes 100 more records.
 * No node deletes a partition log on the way ("Deleted the log of"): on a restart a node's metadata
 * image starts behind the log, and a log that image does not name yet is not gone from the metadata.
 */
class WholeClusterRestartTest {

    private static final int NODES = 3;
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 1_000;
    private static final int RECORDS_AFTER_RESTART = 100;
    private static final String TOPIC = "events";
    private static final String LOG_DELETED = "Deleted the log of";
    private static final int SESSION_TIMEOUT_MS = 3000;
    /** A quorum election, registrations and leader elections after a restart, on a loaded machine. */
    private static final Duration STEP_BOUND = Duration.ofSeconds(60);
    /** Reading back: the followers rejoin the ISR and the high-water marks reach the log ends. */
    private static final Duration READ_BOUND = Duration.ofSeconds(45);

    @TempDir
    Path dir;

    private ProcessCluster cluster;
    private List<VarveProcess> nodes;

    @AfterEach
    void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyAcknowledgedRecordSurvivesAWholeClusterSigkillAndAWholeClusterSigterm() throws Exception {
        cluster = ProcessCluster.startCombined(dir, NODES, ProcessCluster.fastFailover(SESSION_TIMEOUT_MS, Map.of()));
        nodes = IntStream.rangeClosed(1, NODES).mapToObj(cluster::node).toList();
        try (Admin admin = cluster.admin()) {
            cluster.awaitRegistered(admin, STEP_BOUND);
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) NODES)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(60, TimeUnit.SECONDS);
            awaitPartitions(admin, p -> p.leader() != null && p.isr().size() == NODES, "every replica in sync");
        }
        Map<Integer, List<String>> acked = new ConcurrentHashMap<>();
        produce("before", RECORDS, acked);
        assertEquals(RECORDS, count(acked), "every record acknowledged before the restarts");

        // (a) SIGKILL of every node at once: nothing is flushed, no controlled shutdown.
        for (VarveProcess node : nodes) {
            node.kill();
        }
        restartAll();
        checkEveryAcknowledgedRecordOnceAndInOrder(acked, "after a SIGKILL of every node");
        assertNoLogDeleted("after a SIGKILL of every node");

        // (b) SIGTERM of every node at once: controlled shutdowns, as far as the quorum lasts, and clean exits.
        terminateAll();
        restartAll();
        checkEveryAcknowledgedRecordOnceAndInOrder(acked, "after a SIGTERM of every node");
        assertNoLogDeleted("after a SIGTERM of every node");
        produce("after", RECORDS_AFTER_RESTART, acked);
        assertEquals(RECORDS + RECORDS_AFTER_RESTART, count(acked), "every record acknowledged after the restarts");
        checkEveryAcknowledgedRecordOnceAndInOrder(acked, "after writing to the restarted cluster");
    }

    /** Starts every node again on its data directory and ports, then waits until every partition has a leader. */
    private void restartAll() throws Exception {
        for (VarveProcess node : nodes) {
            node.start(); // returns once the client port listens; the quorum forms as the others come up
        }
        try (Admin admin = cluster.admin()) {
            awaitPartitions(admin, p -> p.leader() != null, "a leader for every partition after the restart");
        }
    }

    /** SIGTERM to every node at once, each waited for in its own thread; every one exits with 0. */
    private void terminateAll() throws Exception {
        ExecutorService stopping = Executors.newFixedThreadPool(NODES);
        try {
            List<Future<Integer>> exits = new ArrayList<>();
            for (VarveProcess node : nodes) {
                exits.add(stopping.submit(node::terminate));
            }
            for (int i = 0; i < NODES; i++) {
                int id = i + 1;
                int exit = exits.get(i).get(2, TimeUnit.MINUTES); // terminate() itself is bounded
                assertEquals(0, exit, () -> "exit code of node " + id + " on SIGTERM; its output ends with:\n"
                    + tail(nodes.get(id - 1), 20_000));
            }
        } finally {
            stopping.shutdownNow();
        }
    }

    /**
     * Sends {@code count} records with unique values round-robin over the partitions and waits for
     * them; each acknowledged one is added to {@code acked} in the order the producer's callbacks run,
     * which within a partition is the send order.
     */
    private void produce(String phase, int count, Map<Integer, List<String>> acked) {
        List<Exception> failures = new CopyOnWriteArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap(),
            "acks", "all", "enable.idempotence", "true", "delivery.timeout.ms", "60000", "request.timeout.ms", "5000",
            "reconnect.backoff.max.ms", "200", "linger.ms", "5"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                int partition = i % PARTITIONS;
                String value = phase + "-" + i;
                producer.send(new ProducerRecord<>(TOPIC, partition, value, value), (metadata, error) -> {
                    if (error != null) {
                        failures.add(error);
                    } else {
                        acked.computeIfAbsent(partition, p -> Collections.synchronizedList(new ArrayList<>())).add(value);
                    }
                });
            }
            producer.flush(); // bounded by delivery.timeout.ms: every callback has run when it returns
        }
        assertEquals(List.of(), failures, "records of phase " + phase + " that were not acknowledged");
    }

    /**
     * Reads every partition from the beginning with the official consumer until each position has
     * reached the end offset and the end offset covers the partition's acknowledged records (a
     * restarted leader's high-water mark comes back as its followers fetch), within {@link #READ_BOUND};
     * then each partition must hold exactly its acknowledged records, once each, in send order.
     */
    private void checkEveryAcknowledgedRecordOnceAndInOrder(Map<Integer, List<String>> acked, String when)
        throws IOException {
        List<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
        Map<Integer, List<String>> read = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap(),
            "enable.auto.commit", "false", "auto.offset.reset", "earliest", "request.timeout.ms", "5000",
            "default.api.timeout.ms", "10000", "reconnect.backoff.max.ms", "200"),
            new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + READ_BOUND.toNanos();
            Object last = "nothing";
            while (true) {
                try {
                    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(5));
                    last = ends;
                    if (partitions.stream().allMatch(tp -> ends.get(tp) >= acked.get(tp.partition()).size()
                        && consumer.position(tp, Duration.ofSeconds(5)) >= ends.get(tp))) {
                        break;
                    }
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        read.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.value());
                    }
                } catch (KafkaException e) {
                    last = e; // a leader not elected yet, or a node still starting: the next round asks again
                }
                if (System.nanoTime() - deadline > 0) {
                    break; // the checks below say what is missing
                }
            }
            for (int p = 0; p < PARTITIONS; p++) {
                List<String> expected = acked.get(p);
                List<String> got = read.getOrDefault(p, List.of());
                String problem = describeDifference(expected, got);
                int partition = p;
                Object ends = last;
                assertTrue(problem.isEmpty(), () -> "partition " + partition + " " + when + ": " + problem
                    + " (read " + got.size() + " of " + expected.size() + " acknowledged; last end offsets or error: "
                    + ends + ")" + deletedLogs() + logTails());
                assertEquals(expected, got, "partition " + p + " " + when + ": every acknowledged record, once, in send order");
            }
        }
        assertEquals(count(acked), read.values().stream().mapToInt(List::size).sum(), "records read " + when);
    }

    /** What is wrong with {@code got} against {@code expected}: lost, duplicated or unexpected values; empty when nothing. */
    private static String describeDifference(List<String> expected, List<String> got) {
        Set<String> seen = new HashSet<>();
        Set<String> duplicated = new LinkedHashSet<>();
        for (String value : got) {
            if (!seen.add(value)) {
                duplicated.add(value);
            }
        }
        Set<String> acked = new HashSet<>(expected);
        List<String> lost = expected.stream().filter(v -> !seen.contains(v)).toList();
        List<String> unexpected = seen.stream().filter(v -> !acked.contains(v)).sorted().toList();
        StringBuilder problem = new StringBuilder();
        if (!lost.isEmpty()) {
            problem.append(lost.size()).append(" acknowledged records lost, the first ").append(first(lost)).append("; ");
        }
        if (!duplicated.isEmpty()) {
            problem.append(duplicated.size()).append(" records read twice: ").append(first(List.copyOf(duplicated))).append("; ");
        }
        if (!unexpected.isEmpty()) {
            problem.append(unexpected.size()).append(" records never acknowledged: ").append(first(unexpected)).append("; ");
        }
        return problem.isEmpty() ? "" : problem.substring(0, problem.length() - 2);
    }

    private static List<String> first(List<String> values) {
        return values.subList(0, Math.min(10, values.size()));
    }

    private void assertNoLogDeleted(String when) throws IOException {
        for (int i = 0; i < NODES; i++) {
            VarveProcess node = nodes.get(i);
            List<String> deleted = deletedLogLines(node);
            int id = i + 1;
            assertEquals(List.of(), deleted, () -> "node " + id + " deleted partition logs " + when
                + "; its output ends with:\n" + tail(node, 5000));
        }
    }

    /** Each node's "Deleted the log of" lines, for the failure of a read-back. */
    private String deletedLogs() {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            try {
                List<String> deleted = deletedLogLines(nodes.get(i));
                lines.append("\n--- node ").append(i + 1).append(": ").append(deleted.size()).append(" lines with '")
                    .append(LOG_DELETED).append("' ---");
                deleted.forEach(line -> lines.append('\n').append(line));
            } catch (IOException e) {
                lines.append("\n--- node ").append(i + 1).append(": output unreadable: ").append(e);
            }
        }
        return lines.toString();
    }

    private static List<String> deletedLogLines(VarveProcess node) throws IOException {
        return node.output().lines().filter(line -> line.contains(LOG_DELETED)).toList();
    }

    private static int count(Map<Integer, List<String>> acked) {
        return acked.values().stream().mapToInt(List::size).sum();
    }

    private String bootstrap() {
        return cluster.bootstrap();
    }

    /** Polls Metadata (bounded) until every partition of the topic satisfies {@code condition}. */
    private void awaitPartitions(Admin admin, Predicate<TopicPartitionInfo> condition, String what) throws Exception {
        cluster.awaitPartitions(admin, TOPIC, PARTITIONS, condition, STEP_BOUND, what);
    }

    private String logTails() {
        return cluster.logTails(3000);
    }

    private static String tail(VarveProcess node, int chars) {
        return ProcessCluster.tail(node, chars);
    }
}
