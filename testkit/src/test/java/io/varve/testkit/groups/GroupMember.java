package io.varve.testkit.groups;

import io.varve.common.TopicPartition;
import io.varve.consumer.ByteArrayDeserializer;
import io.varve.consumer.ConsumerRecord;
import io.varve.consumer.RebalanceListener;
import io.varve.consumer.VarveConsumer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Varve consumer group member polling on a thread of its own, recording every record it returns
 * (partition and offset) and its current assignment as the rebalance listener reports it.
 */
final class GroupMember implements AutoCloseable {

    final String name;
    final VarveConsumer<byte[], byte[]> consumer;
    final Set<String> consumed;
    final AtomicReference<Set<TopicPartition>> assignment = new AtomicReference<>(Set.of());
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean closeOnStop = true;

    GroupMember(String name, Map<String, Object> props, String topic, Set<String> consumed) {
        this.name = name;
        this.consumed = consumed;
        this.consumer = new VarveConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
        consumer.subscribe(List.of(topic), new RebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                owned.removeAll(partitions);
                assignment.set(Set.copyOf(owned));
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                owned.addAll(partitions);
                assignment.set(Set.copyOf(owned));
            }
        });
        this.thread = new Thread(this::run, "group-member-" + name);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    consumed.add(r.topic() + "-" + r.partition() + "@" + r.offset());
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        } finally {
            if (closeOnStop) {
                consumer.close();
            }
        }
    }

    /** Stops polling and closes the consumer (a clean leave for a dynamic member). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(60));
    }
}
