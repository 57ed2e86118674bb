package io.varve.consumer.assignor;

import io.varve.client.group.ConsumerProtocol;
import io.varve.common.TopicPartition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kafka's {@code cooperative-sticky}: a balanced assignment that moves as few partitions as it can,
 * under the cooperative rebalance protocol.
 *
 * <ol>
 *   <li><b>Ownership.</b> Each member reports the partitions it owns and the generation it got them in
 *       (the subscription's generation id, or, from older members, the 4-byte big-endian generation
 *       in its user data, as Kafka's assignor writes it). When several members claim a partition the
 *       highest generation wins (ties: the first in member order).</li>
 *   <li><b>Stickiness.</b> Owners keep the partitions they still subscribe to; the others are dealt
 *       one by one, sorted, to the eligible member with the fewest.</li>
 *   <li><b>Balance.</b> While the most loaded member has two more than a member that could take one
 *       of its partitions, one moves. Each move lowers the sum of squared loads, so this ends; with
 *       equal subscriptions the loads end within one of each other, and a member that owned {@code k}
 *       partitions keeps at least {@code min(k, partitions / members)}.</li>
 *   <li><b>Cooperation.</b> A partition that would change owner is left out of this round: its owner
 *       sees it gone, revokes it and rejoins, and the next rebalance hands it over.</li>
 * </ol>
 *
 * <p>The results balance and stick as Kafka's do but need not be the same partition for partition
 * (Kafka's own ties depend on hash iteration order). Not thread-safe: keeps the generation of the
 * last assignment for its next subscription.
 */
public final class CooperativeStickyAssignor implements PartitionAssignor {

    public static final String NAME = "cooperative-sticky";

    private int generation = ConsumerProtocol.NO_GENERATION;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<RebalanceProtocol> supportedProtocols() {
        return List.of(RebalanceProtocol.COOPERATIVE, RebalanceProtocol.EAGER);
    }

    /** The generation of the last assignment, 4 bytes big-endian, as Kafka's assignor encodes it. */
    @Override
    public byte[] subscriptionUserData(Set<String> topics) {
        return ByteBuffer.allocate(4).putInt(generation).array();
    }

    @Override
    public void onAssignment(ConsumerProtocol.Assignment assignment, int generationId) {
        this.generation = generationId;
    }

    /** The generation a member's owned partitions belong to. */
    static int generationOf(ConsumerProtocol.Subscription s) {
        if (s.generationId() >= 0) {
            return s.generationId();
        }
        byte[] userData = s.userData();
        return userData != null && userData.length >= 4 ? ByteBuffer.wrap(userData).getInt() : ConsumerProtocol.NO_GENERATION;
    }

    @Override
    public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, Collection<Member> members) {
        List<Member> sorted = members.stream().sorted().toList();
        Map<TopicPartition, Member> owners = owners(sorted);
        List<TopicPartition> all = PartitionAssignor.allPartitionsSorted(partitionsPerTopic, sorted);
        Set<TopicPartition> exists = new HashSet<>(all);
        Map<String, List<TopicPartition>> out = new LinkedHashMap<>();
        Map<String, Member> byId = new HashMap<>();
        sorted.forEach(m -> {
            out.put(m.memberId(), new ArrayList<>());
            byId.put(m.memberId(), m);
        });
        Set<TopicPartition> taken = new HashSet<>();
        owners.forEach((tp, m) -> {
            if (exists.contains(tp) && m.subscription().topics().contains(tp.topic())) {
                out.get(m.memberId()).add(tp);
                taken.add(tp);
            }
        });
        for (TopicPartition tp : all) {
            if (!taken.contains(tp)) {
                Member least = leastLoaded(sorted, out, tp.topic());
                if (least != null) {
                    out.get(least.memberId()).add(tp);
                }
            }
        }
        balance(sorted, out);
        // Cooperative: nothing changes owner within one rebalance.
        out.forEach((memberId, partitions) -> partitions.removeIf(tp -> {
            Member owner = owners.get(tp);
            return owner != null && !owner.memberId().equals(memberId);
        }));
        out.values().forEach(list -> list.sort(null));
        return out;
    }

    private static Map<TopicPartition, Member> owners(List<Member> sorted) {
        Map<TopicPartition, Member> owners = new LinkedHashMap<>();
        Map<TopicPartition, Integer> ownerGeneration = new HashMap<>();
        for (Member m : sorted) {
            int generation = generationOf(m.subscription());
            for (TopicPartition tp : m.subscription().ownedPartitions()) {
                Integer current = ownerGeneration.get(tp);
                if (current == null || generation > current) {
                    owners.put(tp, m);
                    ownerGeneration.put(tp, generation);
                }
            }
        }
        return owners;
    }

    private static Member leastLoaded(List<Member> sorted, Map<String, List<TopicPartition>> out, String topic) {
        Member least = null;
        for (Member m : sorted) {
            if (m.subscription().topics().contains(topic)
                && (least == null || out.get(m.memberId()).size() < out.get(least.memberId()).size())) {
                least = m;
            }
        }
        return least;
    }

    /** Moves partitions from the most to the least loaded eligible members until no move helps. */
    private static void balance(List<Member> sorted, Map<String, List<TopicPartition>> out) {
        boolean moved = true;
        while (moved) {
            moved = false;
            List<Member> byLoadDesc = new ArrayList<>(sorted);
            byLoadDesc.sort((a, b) -> Integer.compare(out.get(b.memberId()).size(), out.get(a.memberId()).size()));
            for (Member over : byLoadDesc) {
                if (moveOne(over, sorted, out)) {
                    moved = true;
                    break;
                }
            }
        }
    }

    private static boolean moveOne(Member over, List<Member> sorted, Map<String, List<TopicPartition>> out) {
        List<TopicPartition> from = out.get(over.memberId());
        Member best = null;
        TopicPartition bestPartition = null;
        for (int i = from.size() - 1; i >= 0; i--) {
            TopicPartition tp = from.get(i);
            for (Member under : sorted) {
                int load = out.get(under.memberId()).size();
                if (load + 1 < from.size() && under.subscription().topics().contains(tp.topic())
                    && (best == null || load < out.get(best.memberId()).size())) {
                    best = under;
                    bestPartition = tp;
                }
            }
        }
        if (best == null) {
            return false;
        }
        from.remove(bestPartition);
        out.get(best.memberId()).add(bestPartition);
        return true;
    }
}
