package io.varve.testkit.producer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.producer.Header;
import io.varve.producer.ProducerRecord;
import io.varve.producer.RecordMetadata;
import io.varve.producer.Serializers;
import io.varve.producer.VarveProducer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Writes records with Varve's producer and reads them back with the official KafkaConsumer (assign
 * mode), checking that every record arrives once, in send order per partition, with its key, value,
 * headers and timestamp, on the partition Kafka's default partitioner would pick for its key.
 */
final class RoundTrip {

    /** A record as read back: by the official consumer, or by Kafka's decoder from the log files. */
    record ReadRecord(long offset, byte[] key, byte[] value, long timestampMs, Map<String, byte[]> headers) {

        static ReadRecord of(ConsumerRecord<byte[], byte[]> r) {
            Map<String, byte[]> headers = new HashMap<>();
            r.headers().forEach(h -> headers.put(h.key(), h.value()));
            return new ReadRecord(r.offset(), r.key(), r.value(), r.timestamp(), headers);
        }
    }

    /** Reads every record of the topic back, by partition, in offset order; fails unless there are exactly {@code count}. */
    @FunctionalInterface
    interface Reader {
        Map<Integer, List<ReadRecord>> readAll(int count);
    }

    static final long BASE_TIMESTAMP_MS = 1_700_000_000_000L;

    private final String bootstrapServers;
    private final String topic;
    private final int partitions;

    RoundTrip(String bootstrapServers, String topic, int partitions) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.partitions = partitions;
    }

    void createTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
            awaitPartitionsServed(admin);
        }
    }

    /**
     * Waits until every partition answers ListOffsets, which only its leader serves. Kafka publishes a
     * new topic in its metadata a moment before its partitions take writes; an acks=0 produce in that
     * window is dropped with the connection, which is Kafka's contract for acks=0, not a producer bug.
     */
    private void awaitPartitionsServed(Admin admin) throws Exception {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new org.apache.kafka.common.TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException notYet) {
                if (System.nanoTime() > deadlineNs) {
                    throw notYet;
                }
            }
        }
    }

    /** Every 10th record has no key (sticky partitioning); every 7th takes the producer's clock as timestamp. */
    static ProducerRecord<byte[], byte[]> record(String topic, int i) {
        byte[] key = i % 10 == 0 ? null : ("key-" + (i % 997)).getBytes(StandardCharsets.UTF_8);
        Long timestamp = i % 7 == 0 ? null : BASE_TIMESTAMP_MS + i;
        List<Header> headers = List.of(new Header("index", Integer.toString(i).getBytes(StandardCharsets.UTF_8)),
            new Header("empty", null));
        return new ProducerRecord<>(topic, null, timestamp, key, ("value-" + i).getBytes(StandardCharsets.UTF_8), headers);
    }

    VarveProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(overrides);
        config.put("bootstrap.servers", bootstrapServers);
        return new VarveProducer<>(config, Serializers.byteArray(), Serializers.byteArray());
    }

    /** Sends {@code count} records, flushes, and checks the acknowledgements and callback order. */
    List<RecordMetadata> produce(int count, Map<String, Object> overrides) throws Exception {
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(count);
        List<List<Integer>> callbackOrder = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            callbackOrder.add(new ArrayList<>());
        }
        try (VarveProducer<byte[], byte[]> producer = producer(overrides)) {
            for (int i = 0; i < count; i++) {
                int index = i;
                acks.add(producer.send(record(topic, i), (md, error) -> {
                    if (md != null) {
                        callbackOrder.get(md.partition()).add(index); // the sender thread only: no race
                    }
                }));
            }
            producer.flush();
        }
        List<RecordMetadata> metadata = new ArrayList<>(count);
        for (CompletableFuture<RecordMetadata> ack : acks) {
            metadata.add(ack.get(0, TimeUnit.SECONDS));
        }
        for (int p = 0; p < partitions; p++) {
            List<Integer> order = callbackOrder.get(p);
            for (int j = 1; j < order.size(); j++) {
                assertTrue(order.get(j - 1) < order.get(j), "callbacks of partition " + p + " run in send order");
            }
        }
        return metadata;
    }

    /** Reads the topic back and checks it against what {@link #record} made for indexes 0..count-1. */
    void verify(List<RecordMetadata> metadata, long sentAfterMs, boolean offsetsKnown) {
        verify(metadata, sentAfterMs, offsetsKnown, this::consumeAll);
    }

    void verify(List<RecordMetadata> metadata, long sentAfterMs, boolean offsetsKnown, Reader reader) {
        int count = metadata.size();
        Map<Integer, List<Integer>> sentByPartition = new HashMap<>();
        for (int i = 0; i < count; i++) {
            RecordMetadata md = metadata.get(i);
            ProducerRecord<byte[], byte[]> want = record(topic, i);
            if (want.key() != null) {
                assertEquals(BuiltInPartitioner.partitionForKey(want.key(), partitions), md.partition(), "key of record " + i);
            }
            sentByPartition.computeIfAbsent(md.partition(), p -> new ArrayList<>()).add(i);
        }
        Map<Integer, List<ReadRecord>> received = reader.readAll(count);
        for (int p = 0; p < partitions; p++) {
            List<Integer> expected = sentByPartition.getOrDefault(p, List.of());
            List<ReadRecord> got = received.getOrDefault(p, List.of());
            assertEquals(expected.size(), got.size(), "records in partition " + p);
            for (int j = 0; j < expected.size(); j++) {
                int i = expected.get(j);
                checkRecord(record(topic, i), got.get(j), sentAfterMs);
                assertEquals(j, got.get(j).offset(), "offsets are dense and in send order");
                if (offsetsKnown) {
                    assertEquals(got.get(j).offset(), metadata.get(i).offset(), "acknowledged offset of record " + i);
                }
            }
        }
    }

    static void checkRecord(ProducerRecord<byte[], byte[]> want, ReadRecord have, long sentAfterMs) {
        assertArrayEquals(want.key(), have.key());
        assertArrayEquals(want.value(), have.value());
        if (want.timestampMs() != null) {
            assertEquals((long) want.timestampMs(), have.timestampMs());
        } else {
            assertTrue(have.timestampMs() >= sentAfterMs && have.timestampMs() <= System.currentTimeMillis(),
                "producer-clock timestamp " + have.timestampMs());
        }
        assertArrayEquals(want.headers().get(0).value(), have.headers().get("index"));
        assertTrue(have.headers().containsKey("empty"));
        assertNull(have.headers().get("empty"));
    }

    /** Every record of the topic, by partition, read from the beginning with an assigned consumer. */
    Map<Integer, List<ReadRecord>> consumeAll(int count) {
        Map<Integer, List<ReadRecord>> received = new HashMap<>();
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("max.poll.records", "5000");
        List<TopicPartition> assigned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            assigned.add(new TopicPartition(topic, p));
        }
        try (KafkaConsumer<byte[], byte[]> consumer =
                 new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            int total = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (total < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    received.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(ReadRecord.of(r));
                    total++;
                }
            }
            assertEquals(count, total, "every record consumed before the deadline");
            assertTrue(consumer.poll(Duration.ofMillis(300)).isEmpty(), "nothing beyond what was produced");
        }
        return received;
    }
}
