package io.varve.client.admin;

import java.util.List;
import java.util.UUID;

/**
 * A topic as the cluster's metadata describes it. Immutable.
 *
 * @param name       the topic name
 * @param topicId    the topic id
 * @param internal   whether it is an internal topic ({@code __consumer_offsets}, ...)
 * @param partitions its partitions, by ascending index
 */
public record TopicDescription(String name, UUID topicId, boolean internal, List<PartitionDescription> partitions) {

    public TopicDescription {
        partitions = List.copyOf(partitions);
    }

    /**
     * One partition: broker ids of its leader, replicas and in-sync replicas.
     *
     * @param partition the partition index
     * @param leaderId  the leader's broker id, -1 when it has none
     * @param replicas  every replica, preferred leader first
     * @param isr       the in-sync replicas
     */
    public record PartitionDescription(int partition, int leaderId, List<Integer> replicas, List<Integer> isr) {
        public PartitionDescription {
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
        }
    }
}
