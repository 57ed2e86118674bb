package io.varve.raft.controller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.raft.metadata.BrokerRegistration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Placement: distinct active brokers, leaders rotating evenly, and replicas of a partition on distinct racks. */
class ReplicaPlacerTest {

    private static BrokerRegistration broker(int id, String rack) {
        return new BrokerRegistration(id, "h" + id, 9092, rack, 0, false, false);
    }

    @Test
    void withoutRacksConsecutivePartitionsStartOnConsecutiveBrokersInIdOrder() {
        ReplicaPlacer placer = new ReplicaPlacer(List.of(broker(9, null), broker(1, null), broker(5, null)));
        assertArrayEquals(new int[] {1, 5}, placer.place(0, 0, 2));
        assertArrayEquals(new int[] {5, 9}, placer.place(0, 1, 2));
        assertArrayEquals(new int[] {9, 1}, placer.place(0, 2, 2));
        assertArrayEquals(new int[] {5, 9}, placer.place(1, 0, 2), "the start shifts the whole placement");
    }

    @Test
    void theRingAlternatesRacksSoFollowersLandOnOtherRacks() {
        // Rack a holds 1, 2, 3 and rack b only 4: the ring is 1(a) 4(b) 2(a) 3(a).
        ReplicaPlacer placer = new ReplicaPlacer(List.of(broker(1, "a"), broker(2, "a"), broker(3, "a"), broker(4, "b")));
        assertArrayEquals(new int[] {1, 4}, placer.place(0, 0, 2));
        assertArrayEquals(new int[] {2, 4}, placer.place(0, 2, 2), "3 is next in the ring but on rack a again");
        assertArrayEquals(new int[] {3, 4, 1}, placer.place(0, 3, 3), "once every rack holds one, racks repeat");
    }

    @Test
    void moreReplicasThanBrokersIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> new ReplicaPlacer(List.of(broker(1, null))).place(0, 0, 2));
    }

    @Property(tries = 300)
    void replicasAreDistinctBrokersOnDistinctRacksWhenThereAreEnoughRacks(
        @ForAll @IntRange(min = 1, max = 12) int brokerCount, @ForAll @IntRange(min = 1, max = 5) int rackCount,
        @ForAll @IntRange(min = 1, max = 6) int replication, @ForAll int start, @ForAll @IntRange(max = 50) int k,
        @ForAll long seed) {
        java.util.Random random = new java.util.Random(seed);
        List<BrokerRegistration> brokers = new ArrayList<>();
        for (int i = 0; i < brokerCount; i++) {
            brokers.add(broker(100 + 2 * i, "rack-" + random.nextInt(rackCount)));
        }
        Map<Integer, String> rackOf = brokers.stream().collect(Collectors.toMap(BrokerRegistration::nodeId,
            BrokerRegistration::rack));
        int racks = Set.copyOf(rackOf.values()).size();
        int rf = Math.min(replication, brokerCount);
        int[] replicas = new ReplicaPlacer(brokers).place(start, k, rf);
        assertEquals(rf, Arrays.stream(replicas).distinct().count());
        assertTrue(Arrays.stream(replicas).allMatch(rackOf::containsKey));
        long distinctRacks = Arrays.stream(replicas).mapToObj(rackOf::get).distinct().count();
        assertEquals(Math.min(rf, racks), distinctRacks, () -> Arrays.toString(replicas) + " over " + rackOf);
    }

    @Property(tries = 200)
    void leadersAreBalancedWithinOne(@ForAll @IntRange(min = 1, max = 12) int brokerCount,
                                     @ForAll @IntRange(min = 1, max = 4) int rackCount,
                                     @ForAll @IntRange(min = 1, max = 60) int partitions, @ForAll int start) {
        List<BrokerRegistration> brokers = new ArrayList<>();
        for (int i = 0; i < brokerCount; i++) {
            brokers.add(broker(i, "r" + (i % rackCount)));
        }
        ReplicaPlacer placer = new ReplicaPlacer(brokers);
        Map<Integer, Integer> led = new HashMap<>();
        brokers.forEach(b -> led.put(b.nodeId(), 0));
        for (int k = 0; k < partitions; k++) {
            led.merge(placer.place(start, k, 1)[0], 1, Integer::sum);
        }
        int most = led.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        int least = led.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
        assertTrue(most - least <= 1, () -> "leaders per broker: " + led);
    }
}
