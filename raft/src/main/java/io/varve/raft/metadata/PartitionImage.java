package io.varve.raft.metadata;

import java.util.Arrays;

/**
 * One partition of a topic in a {@link MetadataImage}. Immutable: the arrays are copied in, and
 * handed out as copies; {@link #replicaCount()}, {@link #replica(int)} and {@link #isReplica(int)}
 * read them without copying.
 *
 * @param partitionIndex the partition number
 * @param leader         the leader's node id, or {@link #NO_LEADER}
 * @param leaderEpoch    the leader epoch
 * @param replicas       node ids of the replicas, preferred leader first
 * @param isr            node ids of the in-sync replicas
 * @param partitionEpoch the partition epoch
 */
public record PartitionImage(int partitionIndex, int leader, int leaderEpoch, int[] replicas, int[] isr,
                             int partitionEpoch) {

    /** {@link #leader()} of a partition without a leader. */
    public static final int NO_LEADER = -1;

    public PartitionImage {
        replicas = replicas.clone();
        isr = isr.clone();
    }

    static PartitionImage of(MetadataRecord.Partition record) {
        return new PartitionImage(record.partitionIndex(), record.leader(), record.leaderEpoch(), record.replicas(),
            record.isr(), record.partitionEpoch());
    }

    @Override
    public int[] replicas() {
        return replicas.clone();
    }

    @Override
    public int[] isr() {
        return isr.clone();
    }

    public int replicaCount() {
        return replicas.length;
    }

    /** The {@code i}th replica's node id. */
    public int replica(int i) {
        return replicas[i];
    }

    public boolean isReplica(int nodeId) {
        for (int replica : replicas) {
            if (replica == nodeId) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionImage p && partitionIndex == p.partitionIndex && leader == p.leader
            && leaderEpoch == p.leaderEpoch && Arrays.equals(replicas, p.replicas) && Arrays.equals(isr, p.isr)
            && partitionEpoch == p.partitionEpoch;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * partitionIndex + leader) + leaderEpoch) + Arrays.hashCode(replicas);
    }

    @Override
    public String toString() {
        return "PartitionImage[" + partitionIndex + ", leader=" + leader + ", leaderEpoch=" + leaderEpoch
            + ", replicas=" + Arrays.toString(replicas) + ", isr=" + Arrays.toString(isr)
            + ", partitionEpoch=" + partitionEpoch + ']';
    }
}
