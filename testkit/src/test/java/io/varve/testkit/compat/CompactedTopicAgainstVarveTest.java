package io.varve.testkit.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.testkit.EmbeddedVarve;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compacted topic end to end with the official clients: the Admin creates it with
 * {@code cleanup.policy=compact} and small segments, the idempotent producer writes many updates per
 * key, the broker's cleaner thread compacts the sealed segments, and a consumer reading from the
 * beginning sees the last value of every key, at increasing offsets with gaps, and no superseded
 * value but those still in the active segment.
 */
class CompactedTopicAgainstVarveTest {

    private static final int KEYS = 40;
    private static final int ROUNDS = 50;
    private static final int SEGMENT_BYTES = 2048;
    /** The producer's batch.size: small, so that a segment holds many batches and the active one few records. */
    private static final int BATCH_BYTES = 512;
    private static final long AWAIT_MS = 60_000;

    @TempDir
    Path dir;

    @Test
    void theOfficialConsumerReadsTheLastValueOfEachKeyAfterCompaction() throws Exception {
        try (EmbeddedVarve varve = EmbeddedVarve.start(dir, Map.of("log.cleaner.backoff.ms", "100"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", varve.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("compacted", 1, (short) 1).configs(Map.of(
                "cleanup.policy", "compact", "segment.bytes", Integer.toString(SEGMENT_BYTES),
                "min.cleanable.dirty.ratio", "0.01")))).all().get();
            Map<String, String> lastValue = new HashMap<>();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", varve.bootstrapServers(), "linger.ms", 0, "batch.size", BATCH_BYTES),
                new StringSerializer(), new StringSerializer())) {
                for (int round = 0; round < ROUNDS; round++) {
                    for (int k = 0; k < KEYS; k++) {
                        String value = "value-" + round + "-of-key-" + k;
                        producer.send(new ProducerRecord<>("compacted", "key-" + k, value));
                        lastValue.put("key-" + k, value);
                    }
                }
                producer.flush();
                ExecutionException keyless = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("compacted", null, "no key")).get());
                assertInstanceOf(InvalidRecordException.class, keyless.getCause(), keyless::toString);
            }

            List<ConsumerRecord<String, String>> records = awaitCompacted(varve);

            Map<String, String> lastSeen = new HashMap<>();
            long previous = -1;
            for (ConsumerRecord<String, String> record : records) {
                assertTrue(record.offset() > previous, "offsets increase");
                previous = record.offset();
                lastSeen.put(record.key(), record.value());
            }
            assertEquals(lastValue, lastSeen, "the last value of every key");
            assertTrue(previous < (long) KEYS * ROUNDS, "offsets are the produced ones");
        }
    }

    /**
     * Reads the topic from the beginning until a bounded wait sees it compacted: the sealed segments hold
     * at most one record per key, so the records after the longest prefix without a repeated key are the
     * active segment's: at most {@link #SEGMENT_BYTES} and one batch of them (a record here takes 25 bytes or more).
     */
    private static List<ConsumerRecord<String, String>> awaitCompacted(EmbeddedVarve varve) throws InterruptedException {
        long deadline = System.currentTimeMillis() + AWAIT_MS;
        List<ConsumerRecord<String, String>> records = List.of();
        while (System.currentTimeMillis() < deadline) {
            records = readAll(varve);
            if (records.size() - uniquePrefix(records) <= (SEGMENT_BYTES + BATCH_BYTES) / 25) {
                return records;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not compacted within " + AWAIT_MS + " ms: " + records.size() + " records, "
            + uniquePrefix(records) + " before the first repeated key");
    }

    /** How many records come before the first whose key appeared earlier. */
    private static int uniquePrefix(List<ConsumerRecord<String, String>> records) {
        Set<String> seen = new HashSet<>();
        int i = 0;
        while (i < records.size() && seen.add(records.get(i).key())) {
            i++;
        }
        return i;
    }

    private static List<ConsumerRecord<String, String>> readAll(EmbeddedVarve varve) {
        TopicPartition tp = new TopicPartition("compacted", 0);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
            Map.of("bootstrap.servers", varve.bootstrapServers(), "enable.auto.commit", false),
            new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.currentTimeMillis() + 20_000;
            while (consumer.position(tp) < end && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(record);
                }
            }
            assertEquals(end, consumer.position(tp), "the consumer reached the end offset " + end);
        }
        return records;
    }
}
