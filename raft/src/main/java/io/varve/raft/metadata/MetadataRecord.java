package io.varve.raft.metadata;

import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One decision of the controller, as written to the metadata log and applied by every broker to its
 * {@link MetadataImage}. Records are facts, not requests: the controller validated them before it
 * wrote them, so a record that does not fit the image it is applied to is a bug
 * ({@link IllegalStateException} in {@link MetadataDelta}), never a user error.
 *
 * <p>The binary form of each record is in {@link MetadataRecordCodec}. Every record is immutable and
 * thread-safe; the arrays of {@link Partition} are copied in and out.
 */
public sealed interface MetadataRecord {

    /** The type code written in front of the record's fields. */
    MetadataRecordType type();

    /**
     * A broker joined the cluster, or re-registered with new endpoints.
     *
     * @param nodeId the broker's {@code node.id}, &ge; 0
     * @param host   the host clients connect to; never null
     * @param port   the port clients connect to, 0-65535
     * @param rack   the broker's {@code broker.rack}, or null when it has none
     */
    record RegisterBroker(int nodeId, String host, int port, String rack) implements MetadataRecord {
        public RegisterBroker {
            if (nodeId < 0) {
                throw new IllegalArgumentException("node id must not be negative: " + nodeId);
            }
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        @Override
        public MetadataRecordType type() {
            return MetadataRecordType.REGISTER_BROKER;
        }
    }

    /**
     * A topic was created. Its partitions follow as {@link Partition} records, its configs as
     * {@link Config} records, in the same batch.
     *
     * @param name    the topic name, never null
     * @param topicId the topic's id, never the zero id
     */
    record Topic(String name, UUID topicId) implements MetadataRecord {
        public Topic {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(topicId, "topicId");
        }

        @Override
        public MetadataRecordType type() {
            return MetadataRecordType.TOPIC;
        }
    }

    /**
     * The full state of one partition: written when the partition is created, and again whenever its
     * leader, ISR or replicas change (the later record replaces the earlier one).
     *
     * @param topicId        the id of an existing topic
     * @param partitionIndex the partition number, &ge; 0
     * @param replicas       node ids of the replicas, the preferred leader first; copied
     * @param isr            node ids of the in-sync replicas; copied
     * @param leader         the leader's node id, or -1 when the partition has none
     * @param leaderEpoch    bumped on every leader change
     * @param partitionEpoch bumped on every change of the partition
     */
    record Partition(UUID topicId, int partitionIndex, int[] replicas, int[] isr, int leader, int leaderEpoch,
                     int partitionEpoch) implements MetadataRecord {
        public Partition {
            Objects.requireNonNull(topicId, "topicId");
            if (partitionIndex < 0) {
                throw new IllegalArgumentException("partition index must not be negative: " + partitionIndex);
            }
            replicas = replicas.clone();
            isr = isr.clone();
        }

        @Override
        public int[] replicas() {
            return replicas.clone();
        }

        @Override
        public int[] isr() {
            return isr.clone();
        }

        @Override
        public MetadataRecordType type() {
            return MetadataRecordType.PARTITION;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Partition p && topicId.equals(p.topicId) && partitionIndex == p.partitionIndex
                && Arrays.equals(replicas, p.replicas) && Arrays.equals(isr, p.isr) && leader == p.leader
                && leaderEpoch == p.leaderEpoch && partitionEpoch == p.partitionEpoch;
        }

        @Override
        public int hashCode() {
            return Objects.hash(topicId, partitionIndex, Arrays.hashCode(replicas), Arrays.hashCode(isr), leader,
                leaderEpoch, partitionEpoch);
        }

        @Override
        public String toString() {
            return "Partition[topicId=" + topicId + ", partitionIndex=" + partitionIndex + ", replicas="
                + Arrays.toString(replicas) + ", isr=" + Arrays.toString(isr) + ", leader=" + leader
                + ", leaderEpoch=" + leaderEpoch + ", partitionEpoch=" + partitionEpoch + ']';
        }
    }

    /**
     * A topic was deleted, with its partitions and configs.
     *
     * @param topicId the id of an existing topic
     */
    record RemoveTopic(UUID topicId) implements MetadataRecord {
        public RemoveTopic {
            Objects.requireNonNull(topicId, "topicId");
        }

        @Override
        public MetadataRecordType type() {
            return MetadataRecordType.REMOVE_TOPIC;
        }
    }

    /**
     * A dynamic config was set, or deleted when {@code value} is null.
     *
     * @param resourceType what is configured
     * @param resourceName the topic name, or the broker id in decimal ("" = every broker)
     * @param key          the config's name, never null
     * @param value        the new value, or null to delete the config (back to its default)
     */
    record Config(ConfigResourceType resourceType, String resourceName, String key, String value)
        implements MetadataRecord {
        public Config {
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(resourceName, "resourceName");
            Objects.requireNonNull(key, "key");
        }

        @Override
        public MetadataRecordType type() {
            return MetadataRecordType.CONFIG;
        }
    }

    /**
     * A block of producer ids was handed to {@code nodeId}: every id below {@code nextProducerId} is
     * taken, cluster-wide.
     *
     * @param nodeId         the broker that received the block
     * @param nextProducerId the first id not yet handed out, &ge; 0
     */
    record ProducerIds(int nodeId, long nextProducerId) implements MetadataRecord {
        public ProducerIds {
            if (nextProducerId < 0) {
                throw new IllegalArgumentException("next producer id must not be negative: " + nextProducerId);
            }
        }

        @Override
        public MetadataRecordType type() {
            return MetadataRecordType.PRODUCER_IDS;
        }
    }
}
