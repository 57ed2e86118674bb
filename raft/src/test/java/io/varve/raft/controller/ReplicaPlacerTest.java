package io.varve.raft.controller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ReplicaPlacerTest {

    @Test
    void consecutivePartitionsStartOnConsecutiveBrokers() {
        int[] brokers = {1, 5, 9};
        assertArrayEquals(new int[] {1, 5}, ReplicaPlacer.place(brokers, 0, 2));
        assertArrayEquals(new int[] {5, 9}, ReplicaPlacer.place(brokers, 1, 2));
        assertArrayEquals(new int[] {9, 1}, ReplicaPlacer.place(brokers, 2, 2));
        assertArrayEquals(new int[] {1, 5}, ReplicaPlacer.place(brokers, 3, 2));
    }

    @Test
    void moreReplicasThanBrokersIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> ReplicaPlacer.place(new int[] {1}, 0, 2));
    }

    @Property
    void replicasAreDistinctRegisteredBrokers(@ForAll @IntRange(min = 1, max = 20) int brokerCount,
                                              @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long cursor,
                                              @ForAll @IntRange(min = 1, max = 20) int replication) {
        int rf = Math.min(replication, brokerCount);
        int[] brokers = new int[brokerCount];
        Arrays.setAll(brokers, i -> 100 + 2 * i);
        int[] replicas = ReplicaPlacer.place(brokers, cursor, rf);
        assertEquals(rf, Arrays.stream(replicas).distinct().count());
        assertEquals(rf, Arrays.stream(replicas).filter(r -> Arrays.binarySearch(brokers, r) >= 0).count());
    }
}
