package io.varve.client.admin;

import io.varve.client.NetworkClient;
import io.varve.client.Node;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.ListOffsetsRequest;
import io.varve.protocol.generated.ListOffsetsResponse;
import io.varve.protocol.generated.MetadataResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link VarveAdmin#listOffsets}: looks up each partition's leader in fresh metadata, sends one
 * ListOffsets request per leader, and retries the partitions whose leader moved or is not known
 * yet ({@code NOT_LEADER_OR_FOLLOWER}, {@code LEADER_NOT_AVAILABLE}, epoch and availability errors)
 * until the deadline. An unknown topic or partition in metadata, or a non-retriable partition
 * error, fails the whole operation.
 *
 * <p>Thread-safe: each call keeps its state in its own concurrent map.
 */
final class OffsetLister {

    private static final byte READ_UNCOMMITTED = 0;
    private static final int NO_REPLICA = -1;
    private static final int NO_EPOCH = -1;

    private final NetworkClient client;
    private final AdminMetadata metadata;
    private final Retrier retrier;
    private final Deadlines deadlines;

    OffsetLister(NetworkClient client, AdminMetadata metadata, Retrier retrier, Deadlines deadlines) {
        this.client = client;
        this.metadata = metadata;
        this.retrier = retrier;
        this.deadlines = deadlines;
    }

    CompletableFuture<Map<TopicPartition, ListedOffset>> list(Map<TopicPartition, OffsetSpec> specs) {
        Map<TopicPartition, OffsetSpec> wanted = Map.copyOf(specs);
        Map<TopicPartition, ListedOffset> found = new ConcurrentHashMap<>();
        long deadlineMs = deadlines.deadlineMs();
        return retrier.run("list offsets", deadlineMs, attempt -> {
            Set<TopicPartition> pending = new TreeSet<>(wanted.keySet());
            pending.removeAll(found.keySet());
            Set<String> topics = new TreeSet<>();
            pending.forEach(tp -> topics.add(tp.topic()));
            long sendMs = deadlines.requestTimeoutMs(deadlineMs);
            return metadata.fetch(topics, sendMs)
                .thenCompose(m -> sendToLeaders(m, pending, wanted, found, sendMs))
                .thenApply(ignored -> Collections.unmodifiableMap(new TreeMap<>(found)));
        });
    }

    private CompletableFuture<Void> sendToLeaders(MetadataResponse m, Set<TopicPartition> pending,
            Map<TopicPartition, OffsetSpec> wanted, Map<TopicPartition, ListedOffset> found, long sendMs) {
        Map<Integer, Node> brokers = new HashMap<>();
        m.brokers().forEach(b -> brokers.put(b.nodeId(), new Node(b.nodeId(), b.host(), b.port())));
        Map<Node, List<TopicPartition>> byLeader = new HashMap<>();
        List<String> leaderless = new ArrayList<>();
        for (TopicPartition tp : pending) {
            Node leader = leaderOf(m, tp, brokers);
            if (leader == null) {
                leaderless.add(tp.toString());
            } else {
                byLeader.computeIfAbsent(leader, n -> new ArrayList<>()).add(tp);
            }
        }
        List<String> retry = Collections.synchronizedList(new ArrayList<>(leaderless));
        CompletableFuture<?>[] sends = byLeader.entrySet().stream()
            .map(e -> client.send(e.getKey(), request(e.getValue(), wanted), sendMs)
                .thenAccept(r -> collect((ListOffsetsResponse) r, found, retry)))
            .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(sends).thenRun(() -> {
            if (!retry.isEmpty()) {
                throw new Retrier.Retry("no offsets yet for " + retry);
            }
        });
    }

    /** The partition's leader; throws AdminException when metadata says the topic or partition does not exist. */
    private static Node leaderOf(MetadataResponse m, TopicPartition tp, Map<Integer, Node> brokers) {
        MetadataResponse.MetadataResponseTopic topic = m.topics().stream()
            .filter(t -> tp.topic().equals(t.name())).findFirst().orElse(null);
        if (topic == null) {
            return null;
        }
        Errors error = Errors.forCode(topic.errorCode());
        if (error == Errors.UNKNOWN_TOPIC_OR_PARTITION || error != Errors.NONE && !error.retriable) {
            throw AdminException.of(topic.errorCode(), null, tp.topic());
        }
        if (error != Errors.NONE) {
            return null;
        }
        MetadataResponse.MetadataResponsePartition p = topic.partitions().stream()
            .filter(q -> q.partitionIndex() == tp.partition()).findFirst().orElse(null);
        if (p == null) {
            throw new AdminException(Errors.UNKNOWN_TOPIC_OR_PARTITION, tp + ": the topic has no such partition");
        }
        return p.leaderId() < 0 ? null : brokers.get(p.leaderId());
    }

    private static ListOffsetsRequest request(List<TopicPartition> partitions, Map<TopicPartition, OffsetSpec> wanted) {
        Map<String, List<ListOffsetsRequest.ListOffsetsPartition>> byTopic = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(
                new ListOffsetsRequest.ListOffsetsPartition(tp.partition(), NO_EPOCH, wanted.get(tp).timestampMs()));
        }
        List<ListOffsetsRequest.ListOffsetsTopic> topics = byTopic.entrySet().stream()
            .map(e -> new ListOffsetsRequest.ListOffsetsTopic(e.getKey(), e.getValue())).toList();
        // Read-uncommitted and no leader epoch are the defaults, so the request means the same at every version.
        return ListOffsetsRequest.builder().replicaId(NO_REPLICA).isolationLevel(READ_UNCOMMITTED).topics(topics).build();
    }

    private static void collect(ListOffsetsResponse r, Map<TopicPartition, ListedOffset> found, List<String> retry) {
        for (ListOffsetsResponse.ListOffsetsTopicResponse t : r.topics()) {
            for (ListOffsetsResponse.ListOffsetsPartitionResponse p : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
                Errors error = Errors.forCode(p.errorCode());
                if (error == Errors.NONE) {
                    found.put(tp, new ListedOffset(p.offset(), p.timestamp(), p.leaderEpoch()));
                } else if (error.retriable) {
                    retry.add(tp + " " + error);
                } else {
                    throw AdminException.of(p.errorCode(), null, tp.toString());
                }
            }
        }
    }
}
