package io.varve.consumer.assignor;

import io.varve.client.group.ConsumerProtocol;
import io.varve.common.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Splits partitions among a group's members. The group's leader calls {@link #assign} with every
 * member's subscription; every member calls {@link #onAssignment} with what it got, and asks
 * {@link #subscriptionUserData} for the bytes it sends at its next join.
 *
 * <p>An assignor says which rebalance protocols it supports: with {@link RebalanceProtocol#EAGER}
 * every member gives up all its partitions before joining; with {@link RebalanceProtocol#COOPERATIVE}
 * members keep their partitions through a rebalance and give up only those the new assignment moves
 * away, and an assignor never hands a partition to a new owner in the same rebalance in which
 * another member still owns it (that member revokes it and a second rebalance moves it).
 *
 * <p>Implementations are not thread-safe; the consumer's polling thread calls them.
 */
public interface PartitionAssignor {

    /** How members give partitions up during a rebalance. */
    enum RebalanceProtocol {
        EAGER, COOPERATIVE
    }

    /** The protocol name members agree on in JoinGroup (Kafka's names). */
    String name();

    /** The rebalance protocols this assignor supports; the consumer uses the most capable one all its assignors share. */
    default List<RebalanceProtocol> supportedProtocols() {
        return List.of(RebalanceProtocol.EAGER);
    }

    /** The user data this member sends with its subscription, or null. */
    default byte[] subscriptionUserData(Set<String> topics) {
        return null;
    }

    /**
     * Computes the assignment.
     *
     * @param partitionsPerTopic partition counts of the subscribed topics that exist
     * @param members            every member's id, instance id and subscription
     * @return member id to its partitions, with an entry (maybe empty) for every member
     */
    Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, Collection<Member> members);

    /** Called on every member with its assignment and the generation it belongs to. */
    default void onAssignment(ConsumerProtocol.Assignment assignment, int generationId) {
    }

    /**
     * One member as the leader sees it, ordered as Kafka orders members: static members first by
     * group instance id, then dynamic members by member id.
     *
     * @param memberId        the coordinator-given id
     * @param groupInstanceId the static member's instance id, or null
     * @param subscription    its decoded subscription
     */
    record Member(String memberId, String groupInstanceId, ConsumerProtocol.Subscription subscription)
        implements Comparable<Member> {

        @Override
        public int compareTo(Member o) {
            if (groupInstanceId != null && o.groupInstanceId != null) {
                return groupInstanceId.compareTo(o.groupInstanceId);
            }
            if (groupInstanceId != null) {
                return -1;
            }
            if (o.groupInstanceId != null) {
                return 1;
            }
            return memberId.compareTo(o.memberId);
        }
    }

    /**
     * The assignor for a protocol name.
     *
     * @throws IllegalArgumentException for a name Varve does not implement
     */
    static PartitionAssignor forName(String name) {
        switch (name.trim()) {
            case RangeAssignor.NAME:
                return new RangeAssignor();
            case RoundRobinAssignor.NAME:
                return new RoundRobinAssignor();
            case CooperativeStickyAssignor.NAME:
                return new CooperativeStickyAssignor();
            default:
                throw new IllegalArgumentException("unknown partition assignor '" + name
                    + "': expected range, roundrobin or cooperative-sticky");
        }
    }

    /** The partitions of the subscribed topics that exist, by topic name then partition. */
    static List<TopicPartition> allPartitionsSorted(Map<String, Integer> partitionsPerTopic, Collection<Member> members) {
        Set<String> topics = new TreeSet<>();
        members.forEach(m -> topics.addAll(m.subscription().topics()));
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            Integer n = partitionsPerTopic.get(topic);
            for (int p = 0; n != null && p < n; p++) {
                out.add(new TopicPartition(topic, p));
            }
        }
        return out;
    }
}
