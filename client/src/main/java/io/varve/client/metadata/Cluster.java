package io.varve.client.metadata;

import io.varve.client.Node;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a client knows about the cluster at one moment: brokers, and for each topic asked about its
 * id, error and partitions with their leaders. Immutable; a {@link MetadataManager} replaces it as a
 * whole on every refresh, so readers on any thread see one consistent snapshot.
 *
 * @param clusterId the cluster id, null before the first response
 * @param nodes     brokers by node id
 * @param topics    topics by name, as last described
 * @param updatedMs clock time of the response this snapshot came from, -1 for the empty bootstrap snapshot
 */
public record Cluster(String clusterId, Map<Integer, Node> nodes, Map<String, TopicMetadata> topics, long updatedMs) {

    public Cluster {
        nodes = Map.copyOf(nodes);
        topics = Map.copyOf(topics);
    }

    /** The snapshot before any metadata arrived. */
    public static Cluster empty() {
        return new Cluster(null, Map.of(), Map.of(), -1L);
    }

    /** One partition: its leader's node id ({@code -1} when none) and leader epoch. */
    public record PartitionInfo(int partition, int leaderId, int leaderEpoch, Errors error) {
    }

    /** One topic: {@code error} is {@link Errors#NONE} when the broker described it. */
    public record TopicMetadata(String name, UUID topicId, Errors error, List<PartitionInfo> partitions) {
        public TopicMetadata {
            partitions = List.copyOf(partitions);
        }
    }

    public Collection<Node> allNodes() {
        return nodes.values();
    }

    public Node node(int id) {
        return nodes.get(id);
    }

    public TopicMetadata topic(String name) {
        return topics.get(name);
    }

    /** Partitions of {@code topic}, or -1 when the topic is unknown or in error. */
    public int partitionCount(String topic) {
        TopicMetadata t = topics.get(topic);
        return t == null || t.error() != Errors.NONE ? -1 : t.partitions().size();
    }

    /** The leader's node, or null when unknown, leaderless, or the leader is not among the brokers. */
    public Node leaderFor(TopicPartition tp) {
        PartitionInfo p = partition(tp);
        return p == null || p.leaderId() < 0 ? null : nodes.get(p.leaderId());
    }

    /** The partition's metadata, or null. */
    public PartitionInfo partition(TopicPartition tp) {
        TopicMetadata t = topics.get(tp.topic());
        if (t == null || t.error() != Errors.NONE || tp.partition() >= t.partitions().size()) {
            return null;
        }
        PartitionInfo p = t.partitions().get(tp.partition());
        return p.partition() == tp.partition() ? p : t.partitions().stream()
            .filter(q -> q.partition() == tp.partition()).findFirst().orElse(null);
    }
}
