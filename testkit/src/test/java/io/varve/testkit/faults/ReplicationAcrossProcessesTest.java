package io.varve.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.CreatePartitionsRequest;
import io.varve.protocol.generated.CreatePartitionsResponse;
import io.varve.protocol.generated.DeleteTopicsRequest;
import io.varve.protocol.generated.DeleteTopicsResponse;
import io.varve.protocol.generated.MetadataRequest;
import io.varve.protocol.generated.MetadataResponse;
import io.varve.testkit.WireHeader;
import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §6 and §7 tier 5: partition replication across three real combined-role processes.
 *
 * <ol>
 *   <li>A follower frozen with SIGSTOP is removed from the ISR by its partitions' leaders after
 *       {@code replica.lag.time.max.ms} (an AlterPartition sent over the controller listener to the
 *       active controller, whichever node that is), and added back after SIGCONT once it caught up.</li>
 *   <li>The official idempotent producer with {@code acks=all} writes to a topic with replication
 *       factor 3; the node leading the most partitions is killed with SIGKILL; the controller fences
 *       it and elects new leaders from the ISR; the producer goes on. The official consumer then reads
 *       every partition from the beginning: every acknowledged record is there exactly once, in the
 *       order it was sent, and no record appears twice.</li>
 *   <li>DeleteTopics and CreatePartitions sent to a node that is not the active controller are
 *       forwarded to it (a plain socket, since the official Admin routes them to the controller that
 *       Metadata names) and answered once that node's own Metadata shows the change; the official
 *       Admin bootstrapped from that node deletes and grows topics too.</li>
 * </ol>
 */
class ReplicationAcrossProcessesTest {

    private static final int NODES = 3;
    private static final int PARTITIONS = 3;
    private static final int LAG_TIME_MAX_MS = 1500;
    /** Long enough that a node frozen for the ISR check is not fenced meanwhile. */
    private static final int SESSION_TIMEOUT_MS = 15_000;
    /** ISR shrink: the lag time, the leader's check (half of it), the AlterPartition and the image, on a loaded machine. */
    private static final Duration ISR_BOUND = Duration.ofSeconds(12);
    private static final Duration STEP_BOUND = Duration.ofSeconds(90);
    private static final int RECORDS_PER_PHASE = 150;

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
    void replicationSurvivesAFrozenFollowerAndAKilledLeaderAndTopicCommandsReachTheController() throws Exception {
        startCluster();
        String all = bootstrap(IntStream.range(1, NODES + 1));
        int controller;
        try (Admin admin = admin(all)) {
            controller = awaitController(admin);
            cluster.awaitRegistered(admin, STEP_BOUND);
            admin.createTopics(List.of(new NewTopic("replicated", PARTITIONS, (short) 3))).all().get(60, TimeUnit.SECONDS);
            awaitIsr(admin, "replicated", isr -> isr.size() == NODES, "every replica in sync at first");
        }

        // 1. A frozen follower leaves the ISR after replica.lag.time.max.ms and comes back after SIGCONT.
        int frozen = controller == 1 ? 2 : 1;
        String others = bootstrap(IntStream.range(1, NODES + 1).filter(id -> id != frozen));
        try (Admin admin = admin(others)) {
            Map<Integer, TopicPartitionInfo> before = describe(admin, "replicated");
            // The change must travel: some partition the frozen node follows is led by a node that is not the active controller.
            assertTrue(before.values().stream().anyMatch(p -> p.leader().id() != frozen && p.leader().id() != controller),
                "a node other than " + frozen + " and the controller " + controller + " leads some partition: " + before);
            cluster.node(frozen).pause();
            Map<Integer, TopicPartitionInfo> shrunk = awaitPartitions(admin, "replicated",
                p -> p.leader() != null && (p.leader().id() == frozen || !ids(p.isr()).contains(frozen)), ISR_BOUND,
                "node " + frozen + " removed from the ISR of every partition it follows");
            // Not fenced (its lease outlives the check): what it led, it still leads, so the ISR changes
            // came from the other leaders' lag checks, sent over the controller listener.
            before.forEach((p, info) -> assertEquals(info.leader().id(), shrunk.get(p).leader().id(), "leader of " + p));
            cluster.node(frozen).resume();
            awaitIsr(admin, "replicated", isr -> isr.contains(frozen), "node " + frozen + " back in every ISR after SIGCONT");
        }

        // 2. acks=all through a SIGKILL of the node leading the most partitions.
        Map<Integer, List<String>> acked = new ConcurrentHashMap<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        int victim;
        try (Admin admin = admin(all);
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", all, "acks", "all",
                 "enable.idempotence", "true", "delivery.timeout.ms", "120000", "request.timeout.ms", "5000",
                 "reconnect.backoff.max.ms", "200", "linger.ms", "5"), new StringSerializer(), new StringSerializer())) {
            produce(producer, 0, acked, failures);
            producer.flush();
            assertEquals(List.of(), failures, "records before the kill");
            Map<Integer, TopicPartitionInfo> before = describe(admin, "replicated");
            victim = before.values().stream().collect(Collectors.groupingBy(p -> p.leader().id(), Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            produceAsync(producer, 1, acked, failures); // in flight while the leader dies
            cluster.node(victim).kill();
            String survivors = bootstrap(IntStream.range(1, NODES + 1).filter(id -> id != victim));
            try (Admin live = admin(survivors)) {
                awaitController(live);
                awaitPartitions(live, "replicated", p -> p.leader() != null && p.leader().id() != victim
                    && !ids(p.isr()).contains(victim), STEP_BOUND, "node " + victim + " fenced: new leaders from the ISR");
            }
            produce(producer, 2, acked, failures);
            producer.flush();
        }
        assertEquals(List.of(), failures, "every record was acknowledged in the end");
        String survivors = bootstrap(IntStream.range(1, NODES + 1).filter(id -> id != victim));
        checkEveryAcknowledgedRecordOnceAndInOrder(survivors, acked);

        // 3. Topic commands sent to a node that is not the active controller are forwarded to it.
        int follower;
        try (Admin admin = admin(survivors)) {
            int active = awaitController(admin);
            follower = IntStream.range(1, NODES + 1).filter(id -> id != victim && id != active).findFirst().orElseThrow();
            admin.createTopics(List.of(new NewTopic("doomed", 1, (short) 2), new NewTopic("growing", 1, (short) 2),
                new NewTopic("doomed-by-admin", 1, (short) 2))).all().get(60, TimeUnit.SECONDS);
        }
        int followerPort = cluster.clientPort(follower);
        CreatePartitionsResponse grown = call(followerPort, ApiKey.CREATE_PARTITIONS, 3, new CreatePartitionsRequest(
            List.of(new CreatePartitionsRequest.CreatePartitionsTopic("growing", 3, null)), 30_000, false),
            CreatePartitionsResponse::read);
        assertEquals(Errors.NONE.code, grown.results().get(0).errorCode(), String.valueOf(grown));
        DeleteTopicsResponse deleted = call(followerPort, ApiKey.DELETE_TOPICS, 6, new DeleteTopicsRequest(
            List.of(new DeleteTopicsRequest.DeleteTopicState("doomed", new UUID(0, 0))), List.of(), 30_000), DeleteTopicsResponse::read);
        assertEquals(Errors.NONE.code, deleted.responses().get(0).errorCode(), String.valueOf(deleted));
        // Answered once the forwarding node's own image shows the change: its Metadata says so at once.
        Map<String, Integer> seen = topicsOn(followerPort);
        assertEquals(3, seen.get("growing"), seen.toString());
        assertFalse(seen.containsKey("doomed"), seen.toString());
        try (Admin admin = admin("127.0.0.1:" + followerPort)) {
            // The official Admin routes these to the controller Metadata names; the follower's image follows.
            admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(4))).all().get(60, TimeUnit.SECONDS);
            admin.deleteTopics(List.of("doomed-by-admin")).all().get(60, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + STEP_BOUND.toNanos();
        while (!(seen.getOrDefault("growing", 0) == 4 && !seen.containsKey("doomed-by-admin"))) {
            assertTrue(System.nanoTime() - deadline < 0, "node " + follower + " sees the Admin's changes: " + seen);
            Thread.sleep(100); // integration test: bounded polling of a real cluster
            seen = topicsOn(followerPort);
        }
    }

    /** Every topic's partition count by the Metadata of the node at {@code port} alone. */
    private static Map<String, Integer> topicsOn(int port) throws Exception {
        MetadataResponse m = call(port, ApiKey.METADATA, 12, new MetadataRequest(null, false, false, false),
            MetadataResponse::read);
        return m.topics().stream().filter(t -> t.errorCode() == Errors.NONE.code)
            .collect(Collectors.toMap(MetadataResponse.MetadataResponseTopic::name, t -> t.partitions().size()));
    }

    private void startCluster() throws Exception {
        cluster = ProcessCluster.startCombined(dir, NODES, ProcessCluster.fastFailover(SESSION_TIMEOUT_MS, Map.of(
            "replica.lag.time.max.ms", Integer.toString(LAG_TIME_MAX_MS),
            "min.insync.replicas", "2")));
    }

    /** Sends {@link #RECORDS_PER_PHASE} records round-robin over the partitions and waits for each. */
    private static void produce(KafkaProducer<String, String> producer, int phase, Map<Integer, List<String>> acked,
                                List<Exception> failures) throws Exception {
        produceAsync(producer, phase, acked, failures);
        producer.flush();
    }

    /**
     * Sends the phase's records without waiting; each acknowledged one is recorded, in the order the
     * producer's callbacks run, which is the send order within a partition.
     */
    private static void produceAsync(KafkaProducer<String, String> producer, int phase, Map<Integer, List<String>> acked,
                                     List<Exception> failures) {
        for (int i = 0; i < RECORDS_PER_PHASE; i++) {
            int partition = i % PARTITIONS;
            String value = "p" + phase + "-" + i;
            producer.send(new ProducerRecord<>("replicated", partition, value, value), (metadata, error) -> {
                if (error != null) {
                    failures.add(error);
                } else {
                    acked.computeIfAbsent(partition, p -> new CopyOnWriteArrayList<>()).add(value);
                }
            });
        }
    }

    private static void checkEveryAcknowledgedRecordOnceAndInOrder(String bootstrap, Map<Integer, List<String>> acked) {
        assertEquals(3 * RECORDS_PER_PHASE, acked.values().stream().mapToInt(List::size).sum());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
            "auto.offset.reset", "earliest", "enable.auto.commit", "false", "request.timeout.ms", "10000"),
            new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition("replicated", p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(60));
            Map<Integer, List<String>> read = new HashMap<>();
            long deadline = System.nanoTime() + STEP_BOUND.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < ends.get(tp))) {
                assertTrue(System.nanoTime() - deadline < 0, "read up to " + ends + " within " + STEP_BOUND);
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    read.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.value());
                }
            }
            for (int p = 0; p < PARTITIONS; p++) {
                List<String> got = read.getOrDefault(p, List.of());
                assertEquals(got.size(), new HashSet<>(got).size(), "no record twice in partition " + p + ": " + got);
                Set<String> ackedHere = new HashSet<>(acked.get(p));
                List<String> ackedRead = got.stream().filter(ackedHere::contains).toList();
                assertEquals(acked.get(p), ackedRead, "every acknowledged record of partition " + p + ", once, in order");
            }
        }
    }

    private interface Reader<R> {
        R read(ProtocolReader r, short version);
    }

    /** One request on a plain socket to {@code port}, bounded by a read timeout. */
    private static <R> R call(int port, ApiKey key, int version, GeneratedMessage body, Reader<R> reader) throws Exception {
        WireHeader header = new WireHeader(key, version, 1, "replication-test");
        ProtocolWriter w = new ProtocolWriter();
        header.write(w);
        body.write(w, header.apiVersion());
        ByteBuffer b = w.toByteBuffer();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(60_000);
            s.getOutputStream().write(ByteBuffer.allocate(4 + b.remaining()).putInt(b.remaining()).put(b).array());
            DataInputStream in = new DataInputStream(s.getInputStream());
            int size = in.readInt();
            assertTrue(size > 0 && size < 1 << 20, "response size " + size);
            byte[] response = new byte[size];
            in.readFully(response);
            ProtocolReader r = new ProtocolReader(ByteBuffer.wrap(response));
            assertEquals(1, header.readResponseHeader(r, header.apiVersion()));
            return reader.read(r, header.apiVersion());
        }
    }

    private String bootstrap(IntStream ids) {
        return cluster.bootstrap(ids);
    }

    private static Set<Integer> ids(List<Node> nodes) {
        return ProcessCluster.ids(nodes);
    }

    private static Map<Integer, TopicPartitionInfo> describe(Admin admin, String topic) throws Exception {
        TopicDescription d = Topics.describe(admin, topic, STEP_BOUND);
        return d.partitions().stream().collect(Collectors.toMap(TopicPartitionInfo::partition, p -> p));
    }

    private void awaitIsr(Admin admin, String topic, java.util.function.Predicate<Set<Integer>> isr, String what)
        throws Exception {
        awaitPartitions(admin, topic, p -> isr.test(ids(p.isr())), STEP_BOUND, what);
    }

    /** Polls Metadata (bounded) until every partition of {@code topic} satisfies {@code condition}. */
    private Map<Integer, TopicPartitionInfo> awaitPartitions(Admin admin, String topic,
                                                             java.util.function.Predicate<TopicPartitionInfo> condition,
                                                             Duration bound, String what) throws Exception {
        return cluster.awaitPartitions(admin, topic, PARTITIONS, condition, bound, what);
    }

    private int awaitController(Admin admin) throws Exception {
        return cluster.awaitController(admin, Set.of(), STEP_BOUND);
    }

    private String logTails() {
        return cluster.logTails(3000);
    }

    private static Admin admin(String bootstrap) {
        return ProcessCluster.admin(bootstrap);
    }

}
