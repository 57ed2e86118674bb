package io.varve.consumer;

import io.varve.common.TopicPartition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records one {@link VarveConsumer#poll} returned, grouped by partition; within a partition in
 * offset order. Immutable.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class ConsumerRecords<K, V> implements Iterable<ConsumerRecord<K, V>> {

    private static final ConsumerRecords<?, ?> EMPTY = new ConsumerRecords<>(Map.of());

    private final Map<TopicPartition, List<ConsumerRecord<K, V>>> records;
    private final int count;

    /** @param records records by partition; copied */
    public ConsumerRecords(Map<TopicPartition, List<ConsumerRecord<K, V>>> records) {
        Map<TopicPartition, List<ConsumerRecord<K, V>>> copy = new LinkedHashMap<>();
        int n = 0;
        for (Map.Entry<TopicPartition, List<ConsumerRecord<K, V>>> e : records.entrySet()) {
            if (!e.getValue().isEmpty()) {
                copy.put(e.getKey(), List.copyOf(e.getValue()));
                n += e.getValue().size();
            }
        }
        this.records = Collections.unmodifiableMap(copy);
        this.count = n;
    }

    /** No records. */
    @SuppressWarnings("unchecked")
    public static <K, V> ConsumerRecords<K, V> empty() {
        return (ConsumerRecords<K, V>) EMPTY;
    }

    /** The records of {@code tp}, in offset order; empty when none. */
    public List<ConsumerRecord<K, V>> records(TopicPartition tp) {
        return records.getOrDefault(tp, List.of());
    }

    /** The partitions with at least one record. */
    public Set<TopicPartition> partitions() {
        return records.keySet();
    }

    public int count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Every record, partition after partition. */
    @Override
    public Iterator<ConsumerRecord<K, V>> iterator() {
        List<ConsumerRecord<K, V>> all = new ArrayList<>(count);
        records.values().forEach(all::addAll);
        return Collections.unmodifiableList(all).iterator();
    }

    @Override
    public String toString() {
        return "ConsumerRecords{count=" + count + ", partitions=" + records.keySet() + '}';
    }
}
