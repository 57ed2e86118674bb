package io.varve.testkit.faults.checker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What a topic holds, as the official consumer reads it: every record of every partition from the
 * log start to the end offset, in offset order, and whether the read got there. Immutable.
 *
 * @param records   per partition, the records read, in the order the consumer returned them
 * @param complete  whether every partition was read up to an end offset past its highest acknowledged offset
 * @param problem   why the read is not complete (the last end offsets or error), or empty
 */
public record ReadBack(Map<Integer, List<Read>> records, boolean complete, String problem) {

    /** One record as read: where it was, its key and its value. */
    public record Read(int partition, long offset, String key, String value) {
    }

    public ReadBack {
        Map<Integer, List<Read>> copy = new HashMap<>();
        records.forEach((p, rs) -> copy.put(p, List.copyOf(rs)));
        records = Map.copyOf(copy);
    }

    /** A complete read of exactly {@code records} (for the checker's own tests). */
    public static ReadBack of(List<Read> records) {
        Map<Integer, List<Read>> byPartition = new HashMap<>();
        records.forEach(r -> byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r));
        return new ReadBack(byPartition, true, "");
    }

    /** Every record read, partition by partition. */
    public List<Read> all() {
        return records.values().stream().flatMap(List::stream).toList();
    }

    /**
     * Reads partitions {@code 0..partitions-1} of {@code topic} from the beginning with the official
     * consumer (assign, seekToBeginning, no group) until, for each, the end offset is past
     * {@code mustReach} (the highest acknowledged offset: a restarted leader's high-water mark comes
     * back as its followers fetch) and the position has reached the end offset; or until {@code bound}
     * has passed, in which case the read is incomplete and says why. The consumer checks every
     * batch's CRC; an error (a corrupt batch, no leader yet) is retried until the bound.
     */
    public static ReadBack read(String bootstrap, String topic, int partitions, Map<Integer, Long> mustReach,
                                Duration bound) {
        List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
        Map<Integer, List<Read>> read = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
            "enable.auto.commit", "false", "auto.offset.reset", "earliest", "request.timeout.ms", "5000",
            "default.api.timeout.ms", "10000", "reconnect.backoff.max.ms", "200", "check.crcs", "true"),
            new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + bound.toNanos();
            Object last = "nothing";
            while (System.nanoTime() - deadline < 0) {
                try {
                    Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(5));
                    last = "end offsets " + ends;
                    if (tps.stream().allMatch(tp -> ends.get(tp) > mustReach.getOrDefault(tp.partition(), -1L)
                        && consumer.position(tp, Duration.ofSeconds(5)) >= ends.get(tp))) {
                        return new ReadBack(read, true, "");
                    }
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        read.computeIfAbsent(r.partition(), p -> new ArrayList<>())
                            .add(new Read(r.partition(), r.offset(), r.key(), r.value()));
                    }
                } catch (KafkaException e) {
                    last = e; // no leader yet, a node still starting, or a corrupt batch: asked again until the bound
                }
            }
            Map<Integer, Long> positions = new HashMap<>();
            read.forEach((p, rs) -> positions.put(p, rs.get(rs.size() - 1).offset()));
            return new ReadBack(read, false, "not read to the end within " + bound + ": must pass the highest acknowledged "
                + mustReach + ", last offsets read " + positions + "; last " + last);
        }
    }
}
