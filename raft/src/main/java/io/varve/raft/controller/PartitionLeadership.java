package io.varve.raft.controller;

import io.varve.raft.metadata.BrokerRegistration;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.metadata.PartitionImage;
import io.varve.raft.metadata.TopicImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Leader election when brokers leave or come back, for {@link ControllerStateMachine}. Every leader
 * change bumps the partition's leader epoch (Generation Clock): a deposed leader's writes carry the old
 * epoch and are refused, and followers truncate to the new leader by epoch. Every change bumps the
 * partition epoch. The result is full {@link MetadataRecord.Partition} records, one per partition that
 * changes, in topic name and partition index order.
 *
 * <p>Rules, as in Kafka with unclean election off unless the topic (or the controller's
 * {@code unclean.leader.election.enable}) turns it on:
 * <ul>
 *   <li>A leaving broker (fenced, or in controlled shutdown) is removed from every ISR, except that an
 *       ISR never becomes empty: its last member stays, so that it can lead again without data loss.</li>
 *   <li>A partition whose leader leaves gets the first replica (in replica order) that is in the new
 *       ISR and active; if there is none, no leader ({@link PartitionImage#NO_LEADER}), or with unclean
 *       election the first active replica, whose ISR becomes just itself.</li>
 *   <li>A broker that comes back leads every leaderless partition whose ISR holds it; with unclean
 *       election, also every leaderless partition it is a replica of.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
final class PartitionLeadership {

    private PartitionLeadership() {
    }

    /** The partition records that take the brokers {@code leaving} out of leaderships and ISRs. */
    static List<MetadataRecord> withoutBrokers(MetadataImage image, Set<Integer> leaving, ControllerConfig config) {
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : image.topicsByName().values()) {
            boolean unclean = config.uncleanLeaderElection(topic.configs());
            for (PartitionImage p : topic.partitions().values()) {
                int[] isr = p.isr();
                if (!leaving.contains(p.leader()) && Arrays.stream(isr).noneMatch(leaving::contains)) {
                    continue;
                }
                int[] newIsr = Arrays.stream(isr).filter(id -> !leaving.contains(id)).toArray();
                if (newIsr.length == 0 && isr.length > 0) {
                    newIsr = new int[] {contains(isr, p.leader()) ? p.leader() : isr[0]};
                }
                int leader = p.leader();
                if (leader == PartitionImage.NO_LEADER || leaving.contains(leader) || !isActive(image, leader, leaving)) {
                    leader = firstActive(image, p.replicas(), newIsr, leaving);
                    if (leader == PartitionImage.NO_LEADER && unclean) {
                        leader = firstActive(image, p.replicas(), p.replicas(), leaving);
                        if (leader != PartitionImage.NO_LEADER) {
                            newIsr = new int[] {leader};
                        }
                    }
                }
                if (leader != p.leader() || !Arrays.equals(newIsr, isr)) {
                    records.add(change(topic, p, leader, newIsr));
                }
            }
        }
        return records;
    }

    /** The partition records that give broker {@code nodeId}, back in service, the leaderless partitions it may lead. */
    static List<MetadataRecord> withReturningBroker(MetadataImage image, int nodeId, ControllerConfig config) {
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : image.topicsByName().values()) {
            boolean unclean = config.uncleanLeaderElection(topic.configs());
            for (PartitionImage p : topic.partitions().values()) {
                if (p.leader() != PartitionImage.NO_LEADER || !p.isReplica(nodeId)) {
                    continue;
                }
                if (contains(p.isr(), nodeId)) {
                    records.add(change(topic, p, nodeId, p.isr()));
                } else if (unclean) {
                    records.add(change(topic, p, nodeId, new int[] {nodeId}));
                }
            }
        }
        return records;
    }

    private static MetadataRecord.Partition change(TopicImage topic, PartitionImage p, int leader, int[] isr) {
        int leaderEpoch = leader == p.leader() ? p.leaderEpoch() : p.leaderEpoch() + 1;
        return new MetadataRecord.Partition(topic.topicId(), p.partitionIndex(), p.replicas(), isr, leader, leaderEpoch,
            p.partitionEpoch() + 1);
    }

    /** The first of {@code replicas} (in their order) that is in {@code candidates} and active, or NO_LEADER. */
    private static int firstActive(MetadataImage image, int[] replicas, int[] candidates, Set<Integer> leaving) {
        for (int replica : replicas) {
            if (contains(candidates, replica) && isActive(image, replica, leaving)) {
                return replica;
            }
        }
        return PartitionImage.NO_LEADER;
    }

    private static boolean isActive(MetadataImage image, int nodeId, Set<Integer> leaving) {
        BrokerRegistration broker = image.broker(nodeId);
        return broker != null && broker.isActive() && !leaving.contains(nodeId);
    }

    private static boolean contains(int[] ids, int id) {
        for (int x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }
}
