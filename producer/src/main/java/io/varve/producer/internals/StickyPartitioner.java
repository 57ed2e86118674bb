package io.varve.producer.internals;

import io.varve.client.metadata.Cluster;
import io.varve.common.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where records without a key go: each topic has a sticky partition that takes every unkeyed record
 * until its batch closes (full, or drained by the sender); the accumulator then reports that the next
 * record needs a new batch and {@link #onNewBatch} moves the topic to another partition, preferring
 * partitions whose leader is known. This is the sticky partitioning of Kafka's clients since 2.4
 * (KIP-480); Kafka 3.3's adaptive weighting by broker load is not done.
 *
 * <p>Thread-safe: the sticky choice per topic is swapped atomically, and only once per closed batch.
 */
public final class StickyPartitioner {

    private final ConcurrentHashMap<String, Integer> sticky = new ConcurrentHashMap<>();
    private final Random random;

    /** @param random picks the next partition; shared across threads ({@link Random} is thread-safe) */
    public StickyPartitioner(Random random) {
        this.random = random;
    }

    /** The topic's current sticky partition, choosing one if it has none. */
    public int partition(String topic, Cluster cluster, int numPartitions) {
        Integer current = sticky.get(topic);
        if (current != null && current < numPartitions) {
            return current;
        }
        return sticky.compute(topic, (t, old) -> old != null && old < numPartitions ? old
            : choose(topic, cluster, numPartitions, -1));
    }

    /**
     * A record found {@code previous}'s batch closed: moves the topic to another partition, unless
     * another thread already moved it. Returns the topic's sticky partition afterwards.
     */
    public int onNewBatch(String topic, Cluster cluster, int numPartitions, int previous) {
        return sticky.compute(topic, (t, old) -> old == null || old == previous || old >= numPartitions
            ? choose(topic, cluster, numPartitions, previous) : old);
    }

    private int choose(String topic, Cluster cluster, int numPartitions, int avoid) {
        List<Integer> available = new ArrayList<>(numPartitions);
        for (int p = 0; p < numPartitions; p++) {
            if (p != avoid && cluster.leaderFor(new TopicPartition(topic, p)) != null) {
                available.add(p);
            }
        }
        if (!available.isEmpty()) {
            return available.get(random.nextInt(available.size()));
        }
        if (avoid < 0 || numPartitions == 1) {
            return random.nextInt(numPartitions);
        }
        int p = random.nextInt(numPartitions - 1);
        return p >= avoid ? p + 1 : p;
    }
}
