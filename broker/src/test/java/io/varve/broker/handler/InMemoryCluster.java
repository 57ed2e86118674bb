package io.varve.broker.handler;

import io.varve.broker.purgatory.DelayedOperationPurgatory;
import io.varve.broker.purgatory.ManualDelayScheduler;
import io.varve.broker.replica.IsrChangeSink;
import io.varve.broker.replica.LeaderEndpoint;
import io.varve.broker.replica.Partition;
import io.varve.broker.replica.ReplicaConfig;
import io.varve.broker.replica.ReplicaFetcher;
import io.varve.broker.replica.ReplicaFixture;
import io.varve.broker.replica.ReplicaManager;
import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.StorageConfig;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;
import io.varve.raft.controller.AlterPartitionResult;
import io.varve.raft.controller.ControllerConfig;
import io.varve.raft.controller.ControllerResult;
import io.varve.raft.controller.ControllerStateMachine;
import io.varve.raft.metadata.MetadataDelta;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.storage.LogManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Brokers in one JVM and one thread, each with real logs in its own directory, its own replica manager,
 * fetch and produce handlers and purgatories on a manual timer, all following one metadata image that
 * the test publishes. Followers fetch over a direct in-memory path to the leader's real
 * {@link FetchHandler}: a round is {@link #fetchRound(int, int)}, so the test decides who fetches when.
 * ISR changes go to the controller's real decision logic ({@link ControllerStateMachine#alterPartition})
 * and are applied only when the test calls {@link #commitIsrChanges()}. Time is one {@link ManualClock}.
 * Not thread-safe.
 */
final class InMemoryCluster implements AutoCloseable {

    static final long LAG_TIME_MAX_MS = 10_000L;

    final ManualClock clock = new ManualClock(1_000_000L);
    private final Map<Integer, BrokerNode> nodes = new HashMap<>();
    private final List<PendingChange> pendingChanges = new ArrayList<>();
    private final ControllerStateMachine controller =
        new ControllerStateMachine(ControllerConfig.from(Map.of()), new Random(11));
    private MetadataImage image = MetadataImage.empty("in-memory");
    private final Answers answers = new Answers();

    /** One broker of the cluster. */
    final class BrokerNode {
        final int id;
        final LogManager logs;
        final ReplicaManager replicas;
        final ManualDelayScheduler timer = new ManualDelayScheduler();
        final DelayedOperationPurgatory<TopicPartition> fetchPurgatory = new DelayedOperationPurgatory<>("fetch", timer, 64);
        final DelayedOperationPurgatory<TopicPartition> producePurgatory = new DelayedOperationPurgatory<>("produce", timer, 64);
        final FetchHandler fetch;
        final ProduceHandler produce;
        private final Map<Integer, ReplicaFetcher> fetchers = new HashMap<>();

        BrokerNode(int id, Path dir) throws IOException {
            this.id = id;
            Map<String, Object> props = new HashMap<>(ReplicaFixture.BROKER_PROPS);
            props.put(StorageConfig.LOG_DIRS, dir.toString());
            props.put(ReplicaConfig.REPLICA_LAG_TIME_MAX_MS, LAG_TIME_MAX_MS);
            logs = LogManager.open(StorageConfig.from(props), clock, Runnable::run);
            IsrChangeSink sink = (topicId, partition, leaderId, leaderEpoch, isr, partitionEpoch) -> {
                CompletableFuture<Errors> reply = new CompletableFuture<>();
                pendingChanges.add(new PendingChange(topicId, partition, leaderId, leaderEpoch, isr, partitionEpoch, reply));
                return reply;
            };
            replicas = new ReplicaManager(id, logs, props, image, clock, sink);
            replicas.onAppend(fetchPurgatory::checkAndComplete);
            replicas.onHighWatermark(fetchPurgatory::checkAndComplete);
            replicas.onHighWatermark(producePurgatory::checkAndComplete);
            fetch = new FetchHandler(replicas, fetchPurgatory, 1 << 20);
            produce = new ProduceHandler(replicas, producePurgatory);
        }

        /** This node's fetcher from {@code leaderId}, holding every partition it follows there now. */
        ReplicaFetcher fetcherFrom(int leaderId) {
            ReplicaFetcher fetcher = fetchers.computeIfAbsent(leaderId, l -> new ReplicaFetcher(id, replicas::brokerEpoch, l,
                new DirectEndpoint(nodes.get(l)), replicas.config()));
            for (Partition p : replicas.partitions()) {
                if (p.role() == Partition.Role.FOLLOWER && p.leaderId() == leaderId) {
                    fetcher.add(p);
                } else {
                    fetcher.remove(p.topicPartition());
                }
            }
            return fetcher;
        }

        Partition replica(String topic, int partition) {
            return replicas.replica(new TopicPartition(topic, partition));
        }
    }

    /**
     * The leader's fetch handler, called directly. The request is answered without waiting (max wait 0,
     * since nothing else runs while a test thread would wait), and the records are copied out of the
     * leader's segments, as the network would.
     */
    private final class DirectEndpoint implements LeaderEndpoint {
        private final BrokerNode leader;

        DirectEndpoint(BrokerNode leader) {
            this.leader = leader;
        }

        @Override
        public FetchResponse fetch(FetchRequest request, long timeoutMs) {
            return answers.fetchNow(leader.fetch, request);
        }
    }

    private record PendingChange(UUID topicId, int partition, int leaderId, int leaderEpoch, int[] isr,
                                 int partitionEpoch, CompletableFuture<Errors> reply) {
    }

    /** Starts brokers {@code ids}, registered and unfenced, each with its logs under {@code dir}. */
    InMemoryCluster(Path dir, int... ids) throws IOException {
        List<MetadataRecord> brokers = new ArrayList<>();
        for (int id : ids) {
            brokers.add(new MetadataRecord.RegisterBroker(id, "127.0.0.1", 9000 + id, null,
                MetadataRecord.RegisterBroker.OWN_OFFSET, false, false));
        }
        image = next(image, brokers);
        for (int id : ids) {
            BrokerNode node = new BrokerNode(id, dir.resolve("node-" + id));
            nodes.put(id, node);
            node.replicas.onRegistered(image.broker(id).epoch());
        }
        publish();
    }

    BrokerNode node(int id) {
        return nodes.get(id);
    }

    MetadataImage image() {
        return image;
    }

    /** Replays {@code records} and publishes the image to every node. */
    MetadataImage publish(MetadataRecord... records) {
        image = next(image, List.of(records));
        publish();
        return image;
    }

    private void publish() {
        for (BrokerNode node : nodes.values()) {
            try {
                node.replicas.onImage(image);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static MetadataImage next(MetadataImage base, List<MetadataRecord> records) {
        MetadataDelta delta = new MetadataDelta(base);
        long offset = base.lastAppliedOffset();
        for (MetadataRecord r : records) {
            delta.replay(r, ++offset);
        }
        return delta.apply();
    }

    /** Creates {@code name} with one partition on {@code replicas}, the first leading at epoch 0, all in sync. */
    UUID createTopic(String name, Map<String, String> configs, int... replicas) {
        UUID id = UUID.randomUUID();
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.Topic(name, id));
        configs.forEach((k, v) -> records.add(new MetadataRecord.Config(
            io.varve.raft.metadata.ConfigResourceType.TOPIC, name, k, v)));
        records.add(new MetadataRecord.Partition(id, 0, replicas, replicas, replicas[0], 0, 0));
        publish(records.toArray(MetadataRecord[]::new));
        return id;
    }

    /** Moves leadership of {@code name}-0 to {@code leader} with the next leader epoch, keeping replicas and ISR. */
    void electLeader(String name, int leader) {
        UUID id = image.topic(name).topicId();
        var p = image.topic(name).partition(0);
        publish(new MetadataRecord.Partition(id, 0, p.replicas(), p.isr(), leader, p.leaderEpoch() + 1,
            p.partitionEpoch() + 1));
    }

    /** One fetch round of {@code followerId} from {@code leaderId}. */
    ReplicaFetcher.Outcome fetchRound(int followerId, int leaderId) {
        return nodes.get(followerId).fetcherFrom(leaderId).doWork();
    }

    /** The ISR changes leaders asked for and the controller has not yet decided. */
    int pendingIsrChanges() {
        return pendingChanges.size();
    }

    /** The controller decides every pending ISR change, in order, and publishes the image after each. */
    List<Errors> commitIsrChanges() {
        return commitIsrChanges(true);
    }

    /**
     * The controller decides every pending ISR change, in order. With {@code publishFirst} false the
     * leader gets the answer before any broker sees the new image, as over the network it may; the
     * image is then held back until {@link #publishHeld()}.
     */
    List<Errors> commitIsrChanges(boolean publishFirst) {
        List<Errors> outcomes = new ArrayList<>();
        List<PendingChange> changes = List.copyOf(pendingChanges);
        pendingChanges.clear();
        for (PendingChange c : changes) {
            ControllerResult<AlterPartitionResult> result = controller.alterPartition(image, c.topicId(), c.partition(),
                c.leaderId(), c.leaderEpoch(), c.isr(), c.partitionEpoch());
            if (!result.records().isEmpty()) {
                if (publishFirst) {
                    publish(result.records().toArray(MetadataRecord[]::new));
                } else {
                    image = next(image, result.records());
                }
            }
            c.reply().complete(result.response().error());
            outcomes.add(result.response().error());
        }
        return outcomes;
    }

    /** Publishes the image that {@link #commitIsrChanges(boolean)} held back. */
    void publishHeld() {
        publish();
    }

    /** Every record value of {@code name}-0 on node {@code id}, from its log start to its log end. */
    List<String> values(int id, String name) {
        Partition p = nodes.get(id).replica(name, 0);
        List<String> out = new ArrayList<>();
        long offset = p.logStartOffset();
        while (offset < p.logEndOffset()) {
            try (var slice = p.read(offset, 1 << 20)) {
                ByteBuffer bytes = ByteBuffer.allocate(slice.sizeInBytes());
                slice.buffer().getBytes(0, bytes, slice.sizeInBytes());
                List<io.varve.broker.replica.Batches.Fetched> fetched = io.varve.broker.replica.Batches.read(bytes);
                fetched.forEach(f -> out.add(f.value()));
                offset = fetched.get(fetched.size() - 1).offset() + 1;
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        answers.closeAll();
        for (BrokerNode node : nodes.values()) {
            node.timer.advance(Long.MAX_VALUE / 4);
            node.logs.close();
        }
    }
}
