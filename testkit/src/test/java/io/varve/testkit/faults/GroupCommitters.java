package io.varve.testkit.faults;

import io.varve.testkit.faults.checker.CommitHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Members of one consumer group (the official consumer, classic protocol) that read a topic and
 * commit, synchronously, after every poll that returned records; every acknowledged commit and every
 * position a member starts from when assigned a partition go to a {@link CommitHistory}. A commit that
 * fails (a rebalance, the coordinator gone) is not acknowledged and not recorded.
 *
 * <p>Thread-safe: {@link #start} and {@link #stop} from the test thread, each member on its own.
 */
final class GroupCommitters {

    private final String bootstrap;
    private final String topic;
    private final String group;
    private final int members;
    private final CommitHistory commits;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    GroupCommitters(String bootstrap, String topic, String group, int members, CommitHistory commits) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.group = group;
        this.members = members;
        this.commits = commits;
    }

    void start() {
        for (int i = 1; i <= members; i++) {
            String name = group + "-member-" + i;
            Thread t = new Thread(() -> consume(name), name);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Stops the members: each leaves the group and closes within {@code bound}. */
    void stop(Duration bound) throws InterruptedException {
        stopping = true;
        Threads.joinOrInterrupt(threads, bound);
    }

    private void consume(String name) {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", bootstrap, "group.id", group,
            "client.id", name, "enable.auto.commit", "false", "auto.offset.reset", "earliest"));
        config.putAll(Map.of("session.timeout.ms", "10000", "heartbeat.interval.ms", "1000", "max.poll.records", "200",
            "request.timeout.ms", "5000", "default.api.timeout.ms", "10000", "reconnect.backoff.max.ms", "200"));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
            new StringDeserializer())) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    for (TopicPartition tp : partitions) {
                        try {
                            commits.onResumed(name, tp.partition(), consumer.position(tp, Duration.ofSeconds(10)));
                        } catch (KafkaException e) {
                            // no committed offset fetched in time: nothing to compare
                        }
                    }
                }
            });
            while (!stopping) {
                try {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    if (records.isEmpty()) {
                        continue;
                    }
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    Map<Integer, Long> acked = new HashMap<>();
                    for (TopicPartition tp : records.partitions()) {
                        long next = records.records(tp).get(records.records(tp).size() - 1).offset() + 1;
                        offsets.put(tp, new OffsetAndMetadata(next));
                        acked.put(tp.partition(), next);
                    }
                    consumer.commitSync(offsets, Duration.ofSeconds(5));
                    commits.onCommitted(name, acked);
                } catch (KafkaException e) {
                    // a rebalance, a commit refused or timed out, the coordinator moving: not acknowledged
                }
            }
        }
    }
}
