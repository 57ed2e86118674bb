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
     * A broker (re-)registered: a new incarnation of {@code nodeId} replaces any earlier one. Its broker
     * epoch is the offset of this record in the metadata log ({@code brokerEpoch == }{@link #OWN_OFFSET}),
     * as in Kafka; a metadata snapshot writes the epoch explicitly, with the flags the broker had then.
     * A freshly registered broker is fenced until its first heartbeat.
     *
     * @param nodeId               the broker's {@code node.id}, &ge; 0
     * @param host                 the host clients connect to; never null
     * @param port                 the port clients connect to, 0-65535
     * @param rack                 the broker's {@code broker.rack}, or null when it has none
     * @param brokerEpoch          the epoch, or {@link #OWN_OFFSET} for "the offset of this record"
     * @param fenced               whether the broker is fenced (may lead nothing, gets no new replicas)
     * @param inControlledShutdown whether the broker asked to shut down and is being drained
     * @param logDirOffline        whether the broker reported a log directory offline (snapshots only)
     */
    record RegisterBroker(int nodeId, String host, int port, String rack, long brokerEpoch, boolean fenced,
                          boolean inControlledShutdown, boolean logDirOffline) implements MetadataRecord {

        /** {@link #brokerEpoch()} of a record whose epoch is its own offset in the log. */
        public static final long OWN_OFFSET = -1L;

        public RegisterBroker {
            if (nodeId < 0) {
                throw new IllegalArgumentException("node id must not be negative: " + nodeId);
            }
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            if (brokerEpoch < OWN_OFFSET) {
                throw new IllegalArgumentException("broker epoch out of range: " + brokerEpoch);
            }
        }

        /** A registration with every log directory online. */
        public RegisterBroker(int nodeId, String host, int port, String rack, long brokerEpoch, boolean fenced,
                              boolean inControlledShutdown) {
            this(nodeId, host, port, rack, brokerEpoch, fenced, inControlledShutdown, false);
        }

        /** A new incarnation, as the controller writes it: fenced, its epoch the record's own offset. */
        public RegisterBroker(int nodeId, String host, int port, String rack) {
            this(nodeId, host, port, rack, OWN_OFFSET, true, false, false);
        }

        @Override
        public MetadataRecordType type() {
            return MetadataRecordType.REGISTER_BROKER;
        }
    }

    /**
     * The broker's lease expired (or it was otherwise declared dead): it leads nothing and gets no new
     * replicas until it heartbeats again. Partition records that move its leaderships precede this one.
     *
     * @param nodeId      a registered broker
     * @param brokerEpoch its current epoch
     */
    record FenceBroker(int nodeId, long brokerEpoch) implements MetadataRecord {
        @Override
        public MetadataRecordType type() {
            return MetadataRecordType.FENCE_BROKER;
        }
    }

    /**
     * A fenced broker heartbeated with its current epoch: it may lead and receive replicas again.
     * Partition records that give it back leaderless partitions follow this one.
     *
     * @param nodeId      a registered broker
     * @param brokerEpoch its current epoch
     */
    record UnfenceBroker(int nodeId, long brokerEpoch) implements MetadataRecord {
        @Override
        public MetadataRecordType type() {
            return MetadataRecordType.UNFENCE_BROKER;
        }
    }

    /**
     * The broker asked to shut down: it is no longer a candidate for leadership, ISR or new replicas.
     * Partition records that move its leaderships and drop it from ISRs follow this one.
     *
     * @param nodeId      a registered broker
     * @param brokerEpoch its current epoch
     */
    record BrokerControlledShutdown(int nodeId, long brokerEpoch) implements MetadataRecord {
        @Override
        public MetadataRecordType type() {
            return MetadataRecordType.BROKER_CONTROLLED_SHUTDOWN;
        }
    }

    /**
     * The broker reported a log directory offline (an I/O error, a full disk): like a fenced broker for
     * every partition purpose, it is no longer a candidate for leadership, ISR or new replicas, yet it
     * stays registered and renews its lease. Partition records that move its leaderships and drop it
     * from ISRs precede this one. Only a new registration (the broker restarted) clears it.
     *
     * @param nodeId      a registered broker
     * @param brokerEpoch its current epoch
     */
    record BrokerLogDirOffline(int nodeId, long brokerEpoch) implements MetadataRecord {
        @Override
        public MetadataRecordType type() {
            return MetadataRecordType.BROKER_LOG_DIR_OFFLINE;
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
     * leader, ISR or replicas change (the later record replaces the earlier one). Full state rather
     * than a Kafka-style PartitionChange delta: replay needs no earlier state of the partition, a
     * snapshot is the same records, and the cost (the replica list again) is a few bytes.
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
