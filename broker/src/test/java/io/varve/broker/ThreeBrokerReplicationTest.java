package io.varve.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.controller.ControllerIsrChangeSink;
import io.varve.broker.controller.ControllerService;
import io.varve.broker.group.GroupCoordinatorConfig;
import io.varve.broker.group.GroupCoordinatorService;
import io.varve.broker.handler.BrokerRequestHandler;
import io.varve.broker.metrics.TopicTraffic;
import io.varve.broker.network.NetworkMetrics;
import io.varve.broker.network.NetworkServer;
import io.varve.broker.purgatory.DelayedOperationPurgatory;
import io.varve.broker.purgatory.WheelDelayScheduler;
import io.varve.broker.replica.NetworkLeaderEndpoint;
import io.varve.broker.replica.ReplicaConfig;
import io.varve.broker.replica.ReplicaFetcherManager;
import io.varve.broker.replica.ReplicaManager;
import io.varve.client.NetworkClient;
import io.varve.client.Node;
import io.varve.common.Clock;
import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.BrokerConfig;
import io.varve.config.ClientConfig;
import io.varve.config.LogConfig;
import io.varve.config.StorageConfig;
import io.varve.protocol.Errors;
import io.varve.raft.controller.Controller;
import io.varve.raft.controller.ControllerConfig;
import io.varve.raft.controller.CreateTopicResult;
import io.varve.raft.controller.HeartbeatResult;
import io.varve.raft.controller.NewTopic;
import io.varve.raft.controller.RegisterBrokerResult;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.PartitionImage;
import io.varve.storage.LogManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication through real sockets: three brokers in one JVM, each with its own logs, network server,
 * replica manager and replica fetchers (followers fetch from leaders over the wire with Fetch and a
 * replica id), sharing one controller as a cluster's brokers share the active controller. The official
 * {@code KafkaProducer} writes with {@code acks=all} to a topic of three replicas, the official consumer
 * reads everything back from the leader; then the leader is closed, its lease runs out on the
 * controller's manual clock, the controller fences it and moves leadership to another in-sync replica
 * with a new leader epoch, and that new leader serves every acknowledged record. A follower that stops
 * fetching is dropped from the ISR by its leader's lag check through the in-process AlterPartition.
 */
class ThreeBrokerReplicationTest {

    private static final String TOPIC = "replicated";
    private static final int RECORDS = 50;

    @TempDir
    Path dir;
    private final ManualClock leaseClock = new ManualClock();
    private final Map<Integer, Broker> brokers = new ConcurrentHashMap<>();
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private ControllerService controller;

    /** One broker's parts, closed in reverse order of starting. */
    private static final class Broker implements AutoCloseable {
        final int id;
        final Deque<AutoCloseable> parts = new ArrayDeque<>();
        ReplicaManager replicas;
        NetworkServer network;
        long brokerEpoch;

        Broker(int id) {
            this.id = id;
        }

        int port() {
            return network.boundPort("PLAINTEXT");
        }

        @Override
        public void close() {
            while (!parts.isEmpty()) {
                try {
                    parts.pop().close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing broker " + id + " failed", e);
                }
            }
        }
    }

    @AfterEach
    void tearDown() {
        brokers.values().forEach(Broker::close);
        while (!closeables.isEmpty()) {
            try {
                closeables.pop().close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void startController() throws IOException {
        Controller c = Controller.open(dir.resolve("metadata"), "replication-test",
            ControllerConfig.from(Map.of()), leaseClock, new Random(7));
        closeables.push(c);
        controller = new ControllerService(c, 0, image -> brokers.values().forEach(b -> apply(b, image)));
        closeables.push(controller);
    }

    private static void apply(Broker b, MetadataImage image) {
        try {
            b.replicas.onImage(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Broker startBroker(int id) throws Exception {
        return startBroker(id, Map.of());
    }

    private Broker startBroker(int id, Map<String, Object> extra) throws Exception {
        Broker b = new Broker(id);
        Map<String, Object> props = new HashMap<>(extra);
        props.put(StorageConfig.LOG_DIRS, dir.resolve("broker-" + id).toString());
        props.put(LogConfig.SEGMENT_BYTES, 1 << 20);
        props.put(LogConfig.INDEX_SIZE_MAX_BYTES, 12_288);
        props.put(BrokerConfig.NODE_ID, id);
        props.put(BrokerConfig.LISTENERS, List.of("PLAINTEXT://127.0.0.1:0"));
        LogManager logs = LogManager.open(StorageConfig.from(props), Clock.system(), Runnable::run);
        b.parts.push(logs);
        b.replicas = new ReplicaManager(id, logs, props, controller.image(), Clock.system(),
            new ControllerIsrChangeSink(controller));
        NetworkClient client = new NetworkClient(ClientConfig.from(Map.of(ClientConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1",
            ClientConfig.CLIENT_ID, "replica-" + id)), Clock.system(), new Random(id));
        b.parts.push(client);
        ReplicaFetcherManager fetchers = new ReplicaFetcherManager(id, b.replicas::brokerEpoch, b.replicas.config(),
            leader -> new NetworkLeaderEndpoint(client, new Node(leader.nodeId(), leader.host(), leader.port())));
        b.parts.push(fetchers);
        b.replicas.onFollowerChange(fetchers);
        WheelDelayScheduler timer = new WheelDelayScheduler("purgatory-" + id, 10, 10_000);
        b.parts.push(timer);
        DelayedOperationPurgatory<TopicPartition> fetches = new DelayedOperationPurgatory<>("fetch", timer, 10_000);
        DelayedOperationPurgatory<TopicPartition> produces = new DelayedOperationPurgatory<>("produce", timer, 10_000);
        b.replicas.onAppend(fetches::checkAndComplete);
        b.replicas.onHighWatermark(fetches::checkAndComplete);
        b.replicas.onHighWatermark(produces::checkAndComplete);
        GroupCoordinatorService groups = new GroupCoordinatorService(id, GroupCoordinatorConfig.from(props), b.replicas,
            controller, Clock.system());
        b.parts.push(groups);
        BrokerRequestHandler handler = new BrokerRequestHandler(id, controller, b.replicas, fetches, produces, props,
            false, 1 << 20, TopicTraffic.NONE, groups);
        BrokerConfig config = BrokerConfig.from(props);
        b.network = new NetworkServer(config, handler, new NetworkMetrics(), Clock.system());
        b.network.start();
        b.parts.push(b.network);
        brokers.put(id, b); // from now on it receives every image the controller publishes
        RegisterBrokerResult registered = controller.<RegisterBrokerResult>submit(
            c -> c.registerBroker(id, "127.0.0.1", b.port(), null, leaseClock.monotonicMs())).join();
        assertEquals(Errors.NONE, registered.error());
        b.brokerEpoch = registered.brokerEpoch();
        b.replicas.onRegistered(b.brokerEpoch);
        heartbeat(b);
        return b;
    }

    private void heartbeat(Broker b) {
        HeartbeatResult beat = controller.<HeartbeatResult>submit(
            c -> c.brokerHeartbeat(b.id, b.brokerEpoch, leaseClock.monotonicMs(), false)).join();
        assertEquals(Errors.NONE, beat.error());
    }

    private PartitionImage partition() {
        return controller.image().topic(TOPIC).partition(0);
    }

    private String bootstrap(int id) {
        return "127.0.0.1:" + brokers.get(id).port();
    }

    @Test
    void everyAcknowledgedRecordSurvivesTheLossOfTheLeader() throws Exception {
        startController();
        for (int id = 1; id <= 3; id++) {
            startBroker(id);
        }
        CreateTopicResult created = controller.<List<CreateTopicResult>>submit(
            c -> c.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3, Map.of())), false)).join().get(0);
        assertEquals(Errors.NONE, created.error(), created.toString());
        PartitionImage before = partition();
        int leader = before.leader();

        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            "bootstrap.servers", bootstrap(leader), "acks", "all", "linger.ms", "1", "delivery.timeout.ms", "30000",
            "request.timeout.ms", "10000"), new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                String value = "record-" + i;
                sent.add(value);
                acks.add(producer.send(new ProducerRecord<>(TOPIC, 0, null, value)));
            }
            for (int i = 0; i < RECORDS; i++) {
                assertEquals(i, acks.get(i).get().offset(), "acknowledged with acks=all, in order");
            }
        }
        assertEquals(sent, consume(leader), "the leader serves everything it acknowledged");
        for (int id = 1; id <= 3; id++) {
            assertEquals(RECORDS, brokers.get(id).replicas.replica(new TopicPartition(TOPIC, 0)).logEndOffset(),
                "acks=all: replica " + id + " had every record before the acknowledgement");
        }

        brokers.remove(leader).close();
        leaseClock.advanceMs(ControllerConfig.from(Map.of()).brokerSessionTimeoutMs());
        brokers.values().forEach(this::heartbeat);
        controller.submit(c -> c.tick(leaseClock.monotonicMs())).join();

        PartitionImage after = partition();
        assertNotEquals(leader, after.leader(), "the fenced leader's partition moved");
        assertTrue(after.leader() != PartitionImage.NO_LEADER);
        assertEquals(before.leaderEpoch() + 1, after.leaderEpoch(), "a new leader epoch fences the old leader");
        assertEquals(sent, consume(after.leader()), "the new leader has every acknowledged record");
    }

    @Test
    void aFollowerThatStopsFetchingLeavesTheIsrThroughTheControllerAndAcksAllGoesOn() throws Exception {
        startController();
        for (int id = 1; id <= 3; id++) {
            startBroker(id, Map.of(ReplicaConfig.REPLICA_LAG_TIME_MAX_MS, 2_000L));
        }
        controller.<List<CreateTopicResult>>submit(
            c -> c.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3, Map.of())), false)).join();
        PartitionImage before = partition();
        int leader = before.leader();
        int stopped = before.replica(0) == leader ? before.replica(1) : before.replica(0);

        brokers.remove(stopped).close(); // its lease is still valid: only the leader's lag check can drop it
        ReplicaManager leading = brokers.get(leader).replicas;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (partition().isr().length == 3 && System.nanoTime() < deadline) {
            leading.maybeShrinkIsrs();
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }

        PartitionImage after = partition();
        assertEquals(2, after.isr().length, "the lagging follower left the ISR: " + after);
        assertTrue(java.util.Arrays.stream(after.isr()).noneMatch(id -> id == stopped));
        assertEquals(before.leaderEpoch(), after.leaderEpoch(), "an ISR change keeps the leader and its epoch");
        assertEquals(before.partitionEpoch() + 1, after.partitionEpoch());
        assertTrue(leading.replica(new TopicPartition(TOPIC, 0)).isUnderReplicated());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            "bootstrap.servers", bootstrap(leader), "acks", "all", "delivery.timeout.ms", "30000",
            "request.timeout.ms", "10000"), new StringSerializer(), new StringSerializer())) {
            assertEquals(0, producer.send(new ProducerRecord<>(TOPIC, 0, null, "after")).get().offset(),
                "acks=all is answered by the remaining in-sync replicas");
        }
    }

    /** Every record of the partition, read from the beginning through broker {@code id}; bounded wait. */
    private List<String> consume(int id) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
            "bootstrap.servers", bootstrap(id), "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(TOPIC, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            return values;
        }
    }
}
