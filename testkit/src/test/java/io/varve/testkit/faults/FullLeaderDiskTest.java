package io.varve.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, defect 6, over three real combined-role processes whose log directories are each a 64 MiB
 * tmpfs (the metadata log lives elsewhere, {@code metadata.log.dir}: a full data-only disk).
 *
 * <ol>
 *   <li><b>The leader's disk fills while it leads.</b> One partition, replication factor 3,
 *       {@code min.insync.replicas=2}, an idempotent {@code acks=all} producer. Once {@link #BEFORE}
 *       records are acknowledged, the leader's file system is filled up and {@link #DURING} more are
 *       sent: the leader's append is refused (KAFKA_STORAGE_ERROR, nothing written), its log directory goes
 *       offline, its heartbeat says so, and the controller moves the leadership to another ISR member and
 *       drops it from the ISR within {@link #MOVE_BOUND}; the producer retries there, and every record is
 *       acknowledged. The node stays up and registered.</li>
 *   <li><b>A start on a full disk.</b> That node is stopped cleanly and started again on the same full
 *       disk: it starts, registers and stays up (it reports its directory offline as soon as it needs
 *       space), and the cluster takes {@link #AFTER} more records.</li>
 *   <li><b>Space back, a restart: online again.</b> The filler is removed and the node restarted: its
 *       directory is online and it is back in the ISR.</li>
 * </ol>
 * Then every acknowledged record reads back exactly once, in send order. Mounting needs root (as in CI);
 * elsewhere the test says so and is skipped. Every mount is removed in {@link #stop}.
 */
class FullLeaderDiskTest {

    private static final int NODES = 3;
    private static final String TOPIC = "full";
    private static final int BEFORE = 200;
    private static final int DURING = 1500;
    private static final int AFTER = 200;
    private static final int VALUE_BYTES = 1000;
    private static final long TMPFS_BYTES = 64L << 20;
    private static final int SESSION_TIMEOUT_MS = 3000;
    /** A refused append, the next heartbeat (500 ms), the controller's commit, the image on the nodes. */
    private static final Duration MOVE_BOUND = Duration.ofSeconds(20);
    private static final Duration STEP_BOUND = Duration.ofSeconds(60);
    /** How long a node started on a full disk must stay up. */
    private static final Duration STAYS_UP = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private ProcessCluster cluster;
    private final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            for (Path mount : mounts) {
                run("umount", "-l", mount.toString());
            }
        }
    }

    @Test
    void aLeaderWhoseDiskFillsLosesItsLeadershipAndEveryAcknowledgedRecordIsKept() throws Exception {
        Assumptions.assumeTrue("0".equals(run("id", "-u").trim()), "needs root to mount a tmpfs for each log directory");
        for (int id = 1; id <= NODES; id++) {
            Path data = Files.createDirectories(dir.resolve("node-" + id).resolve("data"));
            run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_BYTES, "varve-test", data.toString());
            mounts.add(data);
        }
        cluster = ProcessCluster.startCombined(dir, NODES, ProcessCluster.fastFailover(SESSION_TIMEOUT_MS, Map.of(
            "metadata.log.dir", VarveProcess.WORK_DIR + "/meta", "log.segment.bytes", Integer.toString(256 << 10))));
        List<String> acked = new CopyOnWriteArrayList<>();
        try (Admin admin = cluster.admin()) {
            cluster.awaitRegistered(admin, STEP_BOUND);
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) NODES)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(60, TimeUnit.SECONDS);
            awaitPartition(admin, p -> p.leader() != null && p.isr().size() == NODES, STEP_BOUND, "every replica in sync");
            produce("before", BEFORE, acked, () -> { });
            assertEquals(BEFORE, acked.size());

            // 1. The leader's disk fills while the producer writes.
            int full = awaitPartition(admin, p -> p.leader() != null, STEP_BOUND, "a leader").leader().id();
            Path filler = fillUp(cluster.node(full).dataDir());
            long[] movedMs = new long[1];
            produce("during", DURING, acked, () -> {
                long t = System.nanoTime();
                awaitPartition(admin, p -> p.leader() != null && p.leader().id() != full
                    && p.isr().stream().noneMatch(n -> n.id() == full), MOVE_BOUND,
                    "the leadership moved off node " + full + " and it left the ISR");
                movedMs[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
            });
            assertEquals(BEFORE + DURING, acked.size(), "every record acknowledged through the new leader");
            assertTrue(cluster.node(full).isAlive(), "the node with the full disk stays up");
            assertTrue(cluster.node(full).output().contains("is offline"), "and says its log directory is offline");
            cluster.awaitRegistered(admin, STEP_BOUND); // and registered: it still heartbeats
            System.out.printf("FullLeaderDiskTest: leadership moved off node %d %d ms after the last record was sent "
                + "to its full disk%n", full, movedMs[0]);

            // 2. A start on the full disk: the node starts, registers and stays up.
            assertEquals(0, cluster.node(full).terminate(), "a clean stop, even with the disk full");
            cluster.node(full).start();
            cluster.awaitRegistered(admin, STEP_BOUND);
            produce("after", AFTER, acked, () -> { });
            Thread.sleep(STAYS_UP.toMillis()); // integration test: the node must not die or loop on the full disk
            assertTrue(cluster.node(full).isAlive(), "started on a full disk and still up" + cluster.logTails(3000));
            String restarted = cluster.node(full).output();
            assertTrue(!restarted.contains("InternalError"), "no fault in a mapped access");
            TopicPartitionInfo meanwhile = awaitPartition(admin, p -> p.leader() != null, STEP_BOUND, "a leader");
            boolean inIsr = meanwhile.isr().stream().anyMatch(n -> n.id() == full);
            boolean offline = restarted.contains("is offline");
            assertTrue(inIsr != offline, "on the full disk it either serves (in the ISR) or reports its directory "
                + "offline (and is out of the ISR): in ISR " + inIsr + ", offline " + offline);
            System.out.printf("FullLeaderDiskTest: node %d started on the full disk: %s%n", full,
                offline ? "its directory went offline when it needed space" : "it serves");

            // 3. Space back and a restart: the directory is online again and the node rejoins the ISR.
            Files.delete(filler);
            cluster.node(full).kill();
            cluster.node(full).start();
            awaitPartition(admin, p -> p.leader() != null && p.isr().size() == NODES, STEP_BOUND,
                "node " + full + " back in the ISR after a restart with space");
        }
        List<String> read = readAll(BEFORE + DURING + AFTER);
        assertEquals(BEFORE + DURING + AFTER, acked.size());
        assertEquals(acked, read, "every acknowledged record once, in send order");
    }

    /** Sends {@code count} records with unique values, runs {@code meanwhile}, and waits for every answer. */
    private void produce(String phase, int count, List<String> acked, ThrowingRunnable meanwhile) throws Exception {
        List<Exception> failures = new CopyOnWriteArrayList<>();
        String padding = "x".repeat(VALUE_BYTES);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
            cluster.bootstrap(), "acks", "all", "enable.idempotence", "true", "delivery.timeout.ms", "90000",
            "request.timeout.ms", "5000", "reconnect.backoff.max.ms", "200", "retry.backoff.max.ms", "500",
            "linger.ms", "5", "max.in.flight.requests.per.connection", "5"),
            new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String value = phase + "-" + i;
                producer.send(new ProducerRecord<>(TOPIC, 0, value, value + "|" + padding), (metadata, error) -> {
                    if (error != null) {
                        failures.add(error);
                    } else {
                        acked.add(value);
                    }
                });
            }
            meanwhile.run();
            producer.flush(); // bounded by delivery.timeout.ms: every callback has run when it returns
        }
        assertEquals(List.of(), failures, "records of phase " + phase + " that were not acknowledged");
    }

    /** The partition from the beginning up to {@code expected} records, with the official consumer. */
    private List<String> readAll(int expected) {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
            cluster.bootstrap(), "enable.auto.commit", "false", "auto.offset.reset", "earliest",
            "request.timeout.ms", "5000", "default.api.timeout.ms", "10000", "reconnect.backoff.max.ms", "200"),
            new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + STEP_BOUND.toNanos();
            Object last = "nothing";
            while (System.nanoTime() - deadline < 0) {
                try {
                    long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(5)).get(tp);
                    last = end;
                    if (end >= expected && consumer.position(tp, Duration.ofSeconds(5)) >= end) {
                        return read;
                    }
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        read.add(r.value().substring(0, r.value().indexOf('|')));
                    }
                } catch (KafkaException e) {
                    last = e; // the poll retries
                }
            }
            throw new AssertionError("read " + read.size() + " records, not up to the end within " + STEP_BOUND
                + "; last end offset or error: " + last + cluster.logTails(3000));
        }
    }

    private TopicPartitionInfo awaitPartition(Admin admin, Predicate<TopicPartitionInfo> condition, Duration bound,
                                              String what) throws Exception {
        return cluster.awaitPartitions(admin, TOPIC, 1, condition, bound, what).get(0);
    }

    /** Writes zeros into a new file under {@code mount} until the file system refuses; returns the file. */
    private static Path fillUp(Path mount) throws IOException {
        Path filler = mount.resolve("filler");
        byte[] block = new byte[64 * 1024];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            return filler; // No space left on device; the file is not a partition directory, the node skips it
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + out);
        }
        return out;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
