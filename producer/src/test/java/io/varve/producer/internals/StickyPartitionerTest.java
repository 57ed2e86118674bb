package io.varve.producer.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.client.metadata.Cluster;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StickyPartitionerTest {

    @Test
    void staysOnOnePartitionUntilItsBatchCloses() {
        StickyPartitioner sticky = new StickyPartitioner(new Random(1));
        Cluster cluster = TestClusters.of("t", 1, 2, 1, 2);
        int first = sticky.partition("t", cluster, 4);
        for (int i = 0; i < 100; i++) {
            assertEquals(first, sticky.partition("t", cluster, 4));
        }
        int next = sticky.onNewBatch("t", cluster, 4, first);
        assertNotEquals(first, next);
        assertEquals(next, sticky.partition("t", cluster, 4));
    }

    @Test
    void aStaleNewBatchSignalDoesNotMoveThePartitionTwice() {
        StickyPartitioner sticky = new StickyPartitioner(new Random(2));
        Cluster cluster = TestClusters.of("t", 1, 1, 1);
        int first = sticky.partition("t", cluster, 3);
        int moved = sticky.onNewBatch("t", cluster, 3, first);
        assertEquals(moved, sticky.onNewBatch("t", cluster, 3, first), "a second thread that saw the old partition");
    }

    @Test
    void prefersPartitionsWithALeaderAndVisitsThemAll() {
        StickyPartitioner sticky = new StickyPartitioner(new Random(3));
        Cluster cluster = TestClusters.of("t", 1, -1, 2, -1);
        Set<Integer> seen = new HashSet<>();
        int p = sticky.partition("t", cluster, 4);
        for (int i = 0; i < 50; i++) {
            seen.add(p);
            p = sticky.onNewBatch("t", cluster, 4, p);
        }
        assertEquals(Set.of(0, 2), seen);
        assertTrue(seen.contains(0));
    }
}
