package io.varve.consumer.assignor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.client.group.ConsumerProtocol;
import io.varve.common.TopicPartition;
import io.varve.consumer.assignor.PartitionAssignor.Member;
import java.nio.ByteBuffer;
import java.util.ArrayList;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.junit.jupiter.api.Test;

/**
 * The assignors' contract: every partition goes to exactly one subscribed member, loads are balanced,
 * the sticky one keeps what members own, and range and roundrobin agree with kafka-clients' own.
 */
class AssignorsTest {

    private static final List<String> TOPICS = List.of("a", "b", "c");

    /** A group: topic partition counts, and members with subscriptions. */
    record Group(Map<String, Integer> partitions, List<Member> members) {
    }

    @Property(tries = 300)
    void rangeAndRoundRobinAgreeWithKafka(@ForAll("groups") Group g) {
        assertSameAsKafka(new RangeAssignor(), new org.apache.kafka.clients.consumer.RangeAssignor(), g);
        assertSameAsKafka(new RoundRobinAssignor(), new org.apache.kafka.clients.consumer.RoundRobinAssignor(), g);
    }

    @Property(tries = 300)
    void everyPartitionGoesToExactlyOneSubscribedMember(@ForAll("groups") Group g) {
        for (PartitionAssignor a : List.of(new RangeAssignor(), new RoundRobinAssignor(), new CooperativeStickyAssignor())) {
            Map<String, List<TopicPartition>> out = a.assign(g.partitions(), g.members());
            assertEquals(g.members().size(), out.size(), a.name());
            assertExactlyOnce(g, out, a.name());
        }
    }

    @Property(tries = 300)
    void equalSubscriptionsAreBalancedWithinOne(@ForAll @IntRange(min = 1, max = 7) int members,
                                                @ForAll @IntRange(min = 0, max = 30) int partitions) {
        List<Member> group = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            group.add(member("m" + i, null, List.of("a"), List.of(), -1));
        }
        for (PartitionAssignor a : List.of(new RangeAssignor(), new RoundRobinAssignor(), new CooperativeStickyAssignor())) {
            Map<String, List<TopicPartition>> out = a.assign(Map.of("a", partitions), group);
            int max = out.values().stream().mapToInt(List::size).max().orElse(0);
            int min = out.values().stream().mapToInt(List::size).min().orElse(0);
            assertTrue(max - min <= 1, a.name() + " " + out);
        }
    }

    /**
     * Members that owned partitions keep at least min(owned, partitions / members) of them, nothing
     * changes owner in the first round, and after the owners revoke, the second round assigns every
     * partition exactly once, balanced within one.
     */
    @Property(tries = 300)
    void cooperativeStickyKeepsOwnedPartitionsAndConvergesInTwoRounds(
        @ForAll @IntRange(min = 1, max = 6) int before, @ForAll @IntRange(min = 1, max = 6) int after,
        @ForAll @IntRange(min = 0, max = 24) int partitions) {
        CooperativeStickyAssignor sticky = new CooperativeStickyAssignor();
        Map<String, Integer> counts = Map.of("a", partitions);
        List<Member> first = new ArrayList<>();
        for (int i = 0; i < before; i++) {
            first.add(member("m" + i, null, List.of("a"), List.of(), -1));
        }
        Map<String, List<TopicPartition>> owned = sticky.assign(counts, first);
        // The group changes size: members m0..m(after-1), some of them new, the rest gone.
        List<Member> second = members(after, owned, 1);
        Map<String, List<TopicPartition>> round1 = sticky.assign(counts, second);
        int quota = partitions / after;
        for (Member m : second) {
            List<TopicPartition> had = m.subscription().ownedPartitions();
            long kept = had.stream().filter(round1.get(m.memberId())::contains).count();
            assertTrue(kept >= Math.min(had.size(), quota), m.memberId() + " kept " + kept + " of " + had);
        }
        Map<TopicPartition, String> ownerOf = new HashMap<>();
        second.forEach(m -> m.subscription().ownedPartitions().forEach(tp -> ownerOf.put(tp, m.memberId())));
        round1.forEach((id, tps) -> tps.forEach(tp -> assertTrue(!ownerOf.containsKey(tp) || ownerOf.get(tp).equals(id),
            tp + " moved from " + ownerOf.get(tp) + " to " + id + " in one round")));
        // Owners revoke what they lost and rejoin with what they kept.
        Map<String, List<TopicPartition>> keptAfterRevoke = new LinkedHashMap<>();
        round1.forEach((id, tps) -> keptAfterRevoke.put(id, tps));
        List<Member> third = members(after, keptAfterRevoke, 2);
        Map<String, List<TopicPartition>> round2 = sticky.assign(counts, third);
        assertExactlyOnce(new Group(counts, third), round2, "round 2");
        int max = round2.values().stream().mapToInt(List::size).max().orElse(0);
        int min = round2.values().stream().mapToInt(List::size).min().orElse(0);
        assertTrue(max - min <= 1, "round 2 " + round2);
    }

    @Test
    void theHigherGenerationWinsAConflictingClaimAndOldMembersCarryItInUserData() {
        TopicPartition a0 = new TopicPartition("a", 0);
        Member stale = new Member("m0", null, new ConsumerProtocol.Subscription(List.of("a"),
            ByteBuffer.allocate(4).putInt(3).array(), List.of(a0), ConsumerProtocol.NO_GENERATION, null));
        Member fresh = new Member("m1", null, new ConsumerProtocol.Subscription(List.of("a"), null, List.of(a0), 4, null));
        assertEquals(3, CooperativeStickyAssignor.generationOf(stale.subscription()));
        Map<String, List<TopicPartition>> out = new CooperativeStickyAssignor().assign(Map.of("a", 2), List.of(stale, fresh));
        assertEquals(List.of(a0), out.get("m1"));
        assertEquals(List.of(new TopicPartition("a", 1)), out.get("m0"));
    }

    @Test
    void stickyUserDataIsTheGenerationAsKafkaWritesIt() {
        CooperativeStickyAssignor ours = new CooperativeStickyAssignor();
        org.apache.kafka.clients.consumer.CooperativeStickyAssignor theirs = new org.apache.kafka.clients.consumer.CooperativeStickyAssignor();
        assertEquals(ByteBuffer.wrap(ours.subscriptionUserData(Set.of("a"))), theirs.subscriptionUserData(Set.of("a")));
        ours.onAssignment(new ConsumerProtocol.Assignment(List.of()), 12);
        assertEquals(12, ByteBuffer.wrap(ours.subscriptionUserData(Set.of("a"))).getInt());
    }

    @Test
    void staticMembersComeFirstInInstanceIdOrder() {
        Member dynamic = member("a-member", null, List.of("a"), List.of(), -1);
        Member z = member("z", "instance-2", List.of("a"), List.of(), -1);
        Member y = member("y", "instance-1", List.of("a"), List.of(), -1);
        Map<String, List<TopicPartition>> out = new RangeAssignor().assign(Map.of("a", 3), List.of(dynamic, z, y));
        assertEquals(List.of(new TopicPartition("a", 0)), out.get("y"));
        assertEquals(List.of(new TopicPartition("a", 1)), out.get("z"));
        assertEquals(List.of(new TopicPartition("a", 2)), out.get("a-member"));
    }

    @Test
    void assignorsAreFoundByKafkasNames() {
        assertEquals("range", PartitionAssignor.forName("range").name());
        assertEquals("roundrobin", PartitionAssignor.forName(" roundrobin").name());
        assertEquals("cooperative-sticky", PartitionAssignor.forName("cooperative-sticky").name());
        assertThrows(IllegalArgumentException.class, () -> PartitionAssignor.forName("sticky"));
    }

    private static List<Member> members(int count, Map<String, List<TopicPartition>> owned, int generation) {
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "m" + i;
            out.add(member(id, null, List.of("a"), owned.getOrDefault(id, List.of()), generation));
        }
        return out;
    }

    private static Member member(String id, String instance, List<String> topics, List<TopicPartition> owned, int generation) {
        return new Member(id, instance, new ConsumerProtocol.Subscription(topics, null, owned, generation, null));
    }

    private static void assertExactlyOnce(Group g, Map<String, List<TopicPartition>> out, String name) {
        Set<TopicPartition> expected = new TreeSet<>(PartitionAssignor.allPartitionsSorted(g.partitions(), g.members()));
        Set<TopicPartition> seen = new HashSet<>();
        Map<String, Member> byId = new HashMap<>();
        g.members().forEach(m -> byId.put(m.memberId(), m));
        out.forEach((id, tps) -> tps.forEach(tp -> {
            assertTrue(seen.add(tp), name + ": " + tp + " assigned twice in " + out);
            assertTrue(byId.get(id).subscription().topics().contains(tp.topic()), name + ": " + id + " got unsubscribed " + tp);
        }));
        assertEquals(expected, new TreeSet<>(seen), name);
    }

    private static void assertSameAsKafka(PartitionAssignor ours,
                                          org.apache.kafka.clients.consumer.internals.AbstractPartitionAssignor theirs, Group g) {
        Map<String, ConsumerPartitionAssignor.Subscription> kafka = new HashMap<>();
        for (Member m : g.members()) {
            ConsumerPartitionAssignor.Subscription s = new ConsumerPartitionAssignor.Subscription(m.subscription().topics());
            s.setGroupInstanceId(Optional.ofNullable(m.groupInstanceId()));
            kafka.put(m.memberId(), s);
        }
        Map<String, List<org.apache.kafka.common.TopicPartition>> expected = theirs.assign(g.partitions(), kafka);
        Map<String, List<TopicPartition>> actual = ours.assign(g.partitions(), g.members());
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((id, tps) -> {
            Set<TopicPartition> want = new TreeSet<>();
            tps.forEach(tp -> want.add(new TopicPartition(tp.topic(), tp.partition())));
            assertEquals(want, new TreeSet<>(actual.get(id)), ours.name() + " for " + id);
        });
    }

    @Provide
    Arbitrary<Group> groups() {
        Arbitrary<Map<String, Integer>> counts = Arbitraries.integers().between(0, 9).list().ofSize(TOPICS.size())
            .map(ns -> {
                Map<String, Integer> m = new HashMap<>();
                for (int i = 0; i < ns.size(); i++) {
                    if (ns.get(i) > 0) {
                        m.put(TOPICS.get(i), ns.get(i));
                    }
                }
                return m;
            });
        Arbitrary<Member> member = Combinators.combine(
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(4),
            Arbitraries.of("i1", "i2", "i3", "i4").injectNull(0.7),
            Arbitraries.subsetOf(TOPICS).ofMinSize(1)).as((id, instance, topics) -> member(id, instance, List.copyOf(new TreeSet<>(topics)), List.of(), -1));
        Arbitrary<List<Member>> members = member.list().ofMinSize(1).ofMaxSize(6)
            .uniqueElements(Member::memberId)
            .filter(ms -> ms.stream().map(Member::groupInstanceId).filter(i -> i != null).distinct().count()
                == ms.stream().filter(m -> m.groupInstanceId() != null).count());
        return Combinators.combine(counts, members).as(Group::new);
    }

}
