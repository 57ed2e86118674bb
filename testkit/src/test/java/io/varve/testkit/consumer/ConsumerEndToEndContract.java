package io.varve.testkit.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.TopicPartition;
import io.varve.consumer.ByteArrayDeserializer;
import io.varve.consumer.ConsumerRecord;
import io.varve.consumer.Header;
import io.varve.consumer.OffsetAndTimestamp;
import io.varve.consumer.TimestampType;
import io.varve.consumer.VarveConsumer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the Varve consumer must do against any Kafka-protocol broker: the official KafkaProducer
 * writes 100,000 records (keys, null keys, values, headers with a null value, timestamps) to three
 * partitions; the Varve consumer reads every one back identical and in order per partition, and its
 * seek, seekToBeginning, seekToEnd, offsetsForTimes, beginningOffsets, endOffsets, pause and resume
 * agree with the official KafkaConsumer on the same data; batches compressed with each codec read
 * back identical from a position inside a batch. Subclasses name the broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConsumerEndToEndContract {

    static final String TOPIC = "consumer-e2e";
    static final int PARTITIONS = 3;
    static final int COUNT = 100_000;
    static final long BASE_TIMESTAMP = 1_700_000_000_000L;
    static final Duration DEADLINE = Duration.ofSeconds(120);

    /** Records sent, by partition, in offset order (index = offset). */
    final Map<Integer, List<ProducerRecord<byte[], byte[]>>> sent = new HashMap<>();
    Admin admin;

    /** Starts the broker; returns its bootstrap servers. */
    abstract String startBroker() throws Exception;

    abstract void stopBroker() throws Exception;

    String bootstrap;

    @BeforeAll
    void produce() throws Exception {
        bootstrap = startBroker();
        admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(COUNT);
        List<Future<RecordMetadata>> acks = new ArrayList<>(COUNT);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "linger.ms", 5), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < COUNT; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("index", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                if (i % 7 == 0) {
                    headers.add("empty", null);
                }
                byte[] key = i % 10 == 0 ? null : ("key-" + (i % 997)).getBytes(StandardCharsets.UTF_8);
                byte[] value = ("value-" + i + "-" + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8);
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(TOPIC, null, BASE_TIMESTAMP + i, key, value, headers);
                records.add(r);
                acks.add(producer.send(r));
            }
            producer.flush();
        }
        for (int i = 0; i < COUNT; i++) {
            RecordMetadata md = acks.get(i).get();
            List<ProducerRecord<byte[], byte[]>> list = sent.computeIfAbsent(md.partition(), p -> new ArrayList<>());
            assertEquals(list.size(), md.offset(), "dense offsets from 0");
            list.add(records.get(i));
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(10));
        }
        stopBroker();
    }

    VarveConsumer<byte[], byte[]> varveConsumer(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(overrides);
        props.put("bootstrap.servers", bootstrap);
        return new VarveConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    KafkaConsumer<byte[], byte[]> kafkaConsumer() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        return new KafkaConsumer<>(props, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    }

    static List<TopicPartition> partitions() {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            tps.add(new TopicPartition(TOPIC, p));
        }
        return tps;
    }

    static List<org.apache.kafka.common.TopicPartition> kafkaPartitions() {
        return partitions().stream().map(ConsumerEndToEndContract::kafka).toList();
    }

    static org.apache.kafka.common.TopicPartition kafka(TopicPartition tp) {
        return new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition());
    }

    @Test
    void readsEveryRecordBackIdenticalAndInOrderPerPartition() {
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> received = new HashMap<>();
        try (VarveConsumer<byte[], byte[]> consumer = varveConsumer(Map.of("auto.offset.reset", "earliest"))) {
            consumer.assign(partitions());
            int total = 0;
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (total < COUNT && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    received.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
                    total++;
                }
            }
            assertEquals(COUNT, total, "every record consumed before the deadline");
            assertTrue(consumer.poll(Duration.ofMillis(200)).isEmpty(), "nothing beyond what was produced");
            for (TopicPartition tp : partitions()) {
                assertEquals(sent.getOrDefault(tp.partition(), List.of()).size(), consumer.position(tp), "position at log end");
            }
        }
        for (int p = 0; p < PARTITIONS; p++) {
            List<ProducerRecord<byte[], byte[]>> want = sent.getOrDefault(p, List.of());
            List<ConsumerRecord<byte[], byte[]>> got = received.getOrDefault(p, List.of());
            assertEquals(want.size(), got.size(), "records in partition " + p);
            for (int offset = 0; offset < want.size(); offset++) {
                assertSame(want.get(offset), got.get(offset), offset);
            }
        }
    }

    static void assertSame(ProducerRecord<byte[], byte[]> want, ConsumerRecord<byte[], byte[]> have, long offset) {
        assertEquals(offset, have.offset());
        assertEquals(TOPIC, have.topic());
        assertArrayEquals(want.key(), have.key(), "key at " + offset);
        assertArrayEquals(want.value(), have.value(), "value at " + offset);
        assertEquals(want.timestamp(), have.timestamp(), "timestamp at " + offset);
        assertEquals(TimestampType.CREATE_TIME, have.timestampType());
        List<Header> headers = new ArrayList<>();
        want.headers().forEach(h -> headers.add(new Header(h.key(), h.value())));
        assertEquals(headers, have.headers(), "headers at " + offset);
    }

    @Test
    void offsetQueriesAgreeWithKafkaConsumer() {
        try (VarveConsumer<byte[], byte[]> varve = varveConsumer(Map.of());
             KafkaConsumer<byte[], byte[]> kafka = kafkaConsumer()) {
            List<TopicPartition> tps = partitions();
            Map<TopicPartition, Long> begin = varve.beginningOffsets(tps);
            Map<TopicPartition, Long> end = varve.endOffsets(tps);
            var kBegin = kafka.beginningOffsets(kafkaPartitions());
            var kEnd = kafka.endOffsets(kafkaPartitions());
            for (TopicPartition tp : tps) {
                assertEquals(kBegin.get(kafka(tp)), begin.get(tp), "beginning of " + tp);
                assertEquals(kEnd.get(kafka(tp)), end.get(tp), "end of " + tp);
                assertEquals(sent.getOrDefault(tp.partition(), List.of()).size(), end.get(tp));
            }
            for (long ts : new long[] {0L, BASE_TIMESTAMP + 1, BASE_TIMESTAMP + COUNT / 2, BASE_TIMESTAMP + COUNT - 1, BASE_TIMESTAMP + COUNT}) {
                Map<TopicPartition, Long> query = new HashMap<>();
                Map<org.apache.kafka.common.TopicPartition, Long> kQuery = new HashMap<>();
                tps.forEach(tp -> {
                    query.put(tp, ts);
                    kQuery.put(kafka(tp), ts);
                });
                Map<TopicPartition, OffsetAndTimestamp> mine = varve.offsetsForTimes(query);
                var theirs = kafka.offsetsForTimes(kQuery);
                for (TopicPartition tp : tps) {
                    var k = theirs.get(kafka(tp));
                    OffsetAndTimestamp v = mine.get(tp);
                    if (k == null) {
                        assertNull(v, "no offset at " + ts + " in " + tp);
                    } else {
                        assertEquals(k.offset(), v.offset(), "offset for " + ts + " in " + tp);
                        assertEquals(k.timestamp(), v.timestamp(), "timestamp for " + ts + " in " + tp);
                    }
                }
            }
            varve.assign(tps);
            kafka.assign(kafkaPartitions());
            varve.seekToEnd(List.of());
            kafka.seekToEnd(List.of());
            for (TopicPartition tp : tps) {
                assertEquals(kafka.position(kafka(tp)), varve.position(tp), "seekToEnd position of " + tp);
            }
            varve.seekToBeginning(tps);
            kafka.seekToBeginning(kafkaPartitions());
            for (TopicPartition tp : tps) {
                assertEquals(kafka.position(kafka(tp)), varve.position(tp), "seekToBeginning position of " + tp);
            }
        }
    }

    @Test
    void seekPauseAndResumeBehaveLikeKafkaConsumer() {
        TopicPartition p0 = new TopicPartition(TOPIC, 0);
        TopicPartition p1 = new TopicPartition(TOPIC, 1);
        long seekTo = sent.get(0).size() / 3;
        try (VarveConsumer<byte[], byte[]> varve = varveConsumer(Map.of("auto.offset.reset", "earliest"));
             KafkaConsumer<byte[], byte[]> kafka = kafkaConsumer()) {
            varve.assign(List.of(p0, p1));
            kafka.assign(List.of(kafka(p0), kafka(p1)));
            varve.seek(p0, seekTo);
            kafka.seek(kafka(p0), seekTo);
            kafka.seekToBeginning(List.of(kafka(p1)));
            varve.pause(List.of(p1));
            kafka.pause(List.of(kafka(p1)));
            assertEquals(java.util.Set.of(p1), varve.paused());

            List<ConsumerRecord<byte[], byte[]>> mine = pollUntil(varve, 2_000);
            List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> theirs = new ArrayList<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (theirs.size() < 2_000 && System.nanoTime() < deadline) {
                kafka.poll(Duration.ofMillis(200)).forEach(theirs::add);
            }
            assertTrue(mine.stream().allMatch(r -> r.partition() == 0), "a paused partition returns nothing");
            assertTrue(theirs.stream().allMatch(r -> r.partition() == 0), "KafkaConsumer agrees");
            assertEquals(seekTo, mine.get(0).offset(), "first record is the one seeked to");
            assertEquals(theirs.get(0).offset(), mine.get(0).offset());
            for (int i = 0; i < 2_000; i++) {
                assertSame(sent.get(0).get((int) (seekTo + i)), mine.get(i), seekTo + i);
            }

            varve.pause(List.of(p0));
            varve.resume(List.of(p1));
            List<ConsumerRecord<byte[], byte[]>> afterResume = pollUntil(varve, 10);
            assertTrue(afterResume.stream().allMatch(r -> r.partition() == 1), "only the resumed partition");
            assertEquals(0L, afterResume.get(0).offset(), "a resumed partition continues from its position");
        }
    }

    static List<ConsumerRecord<byte[], byte[]>> pollUntil(VarveConsumer<byte[], byte[]> consumer, int atLeast) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (out.size() < atLeast && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        assertTrue(out.size() >= atLeast, "got " + out.size() + " of " + atLeast + " records in time");
        return out;
    }

    @Test
    void latestResetSeesOnlyRecordsProducedAfterwards() throws Exception {
        String topic = "consumer-live";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer());
             VarveConsumer<byte[], byte[]> consumer = varveConsumer(Map.of())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, ("old-" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
            consumer.assign(List.of(tp));
            assertEquals(5L, consumer.position(tp), "auto.offset.reset=latest starts at the log end");
            assertTrue(consumer.poll(Duration.ofMillis(100)).isEmpty());
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, ("new-" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
            List<ConsumerRecord<byte[], byte[]>> got = pollUntil(consumer, 3);
            assertEquals(3, got.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(5L + i, got.get(i).offset());
                assertEquals("new-" + i, new String(got.get(i).value(), StandardCharsets.UTF_8));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void compressedBatchesFromKafkaProducerReadBackIdentical(String codec) throws Exception {
        String topic = "consumer-" + codec;
        int count = 5_000;
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(count);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "compression.type", codec, "linger.ms", 20), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("index", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, 0, BASE_TIMESTAMP + i,
                    ("key-" + i).getBytes(StandardCharsets.UTF_8), ("value-" + i + "-" + "y".repeat(100)).getBytes(StandardCharsets.UTF_8), headers);
                records.add(r);
                producer.send(r);
            }
            producer.flush();
        }
        try (VarveConsumer<byte[], byte[]> consumer = varveConsumer(Map.of("auto.offset.reset", "earliest", "max.poll.records", 333))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seek(tp, 1_234); // a position inside a compressed batch
            List<ConsumerRecord<byte[], byte[]>> got = pollUntil(consumer, count - 1_234);
            assertEquals(count - 1_234, got.size());
            for (int i = 0; i < got.size(); i++) {
                ConsumerRecord<byte[], byte[]> have = got.get(i);
                ProducerRecord<byte[], byte[]> want = records.get(1_234 + i);
                assertEquals(1_234L + i, have.offset());
                assertArrayEquals(want.key(), have.key());
                assertArrayEquals(want.value(), have.value());
                assertEquals(want.timestamp(), have.timestamp());
                assertArrayEquals(want.headers().lastHeader("index").value(), have.lastHeader("index"));
            }
        }
    }
}
