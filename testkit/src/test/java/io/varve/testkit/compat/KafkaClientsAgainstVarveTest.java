package io.varve.testkit.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.testkit.EmbeddedVarve;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Java client, unchanged, against a Varve node: the default producer (idempotent,
 * acks=all), each compression codec, and the consumer in assign mode. Every record comes back in
 * order per partition with its key, value, headers and timestamp, on the partition Kafka's own
 * partitioner chose.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaClientsAgainstVarveTest {

    private static final int PARTITIONS = 3;

    @TempDir
    static Path dir;
    private EmbeddedVarve varve;
    private Admin admin;

    @BeforeAll
    void start() throws Exception {
        varve = EmbeddedVarve.start(dir);
        admin = Admin.create(Map.of("bootstrap.servers", varve.bootstrapServers()));
    }

    @AfterAll
    void stop() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(10));
        }
        if (varve != null) {
            varve.close();
        }
    }

    @Test
    void defaultProducerAndAssignedConsumerRoundTripOneHundredThousandRecords() throws Exception {
        roundTrip("default-producer", 100_000, Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void everyCompressionCodecRoundTrips(String codec) throws Exception {
        roundTrip("compressed-" + codec, 5_000, Map.of("compression.type", codec));
    }

    private void roundTrip(String topic, int count, Map<String, Object> producerOverrides) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>(count);
        List<Future<RecordMetadata>> acks = new ArrayList<>(count);
        Map<String, Object> config = new HashMap<>(producerOverrides);
        config.put("bootstrap.servers", varve.bootstrapServers());
        long baseTimestamp = 1_700_000_000_000L;
        try (KafkaProducer<byte[], byte[]> producer =
                 new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("index", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                byte[] key = i % 10 == 0 ? null : ("key-" + (i % 997)).getBytes(StandardCharsets.UTF_8);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, baseTimestamp + i, key,
                    ("value-" + i).getBytes(StandardCharsets.UTF_8), headers);
                sent.add(record);
                acks.add(producer.send(record));
            }
            producer.flush();
        }
        Map<Integer, List<Integer>> sentByPartition = new HashMap<>();
        for (int i = 0; i < count; i++) {
            RecordMetadata md = acks.get(i).get();
            sentByPartition.computeIfAbsent(md.partition(), p -> new ArrayList<>()).add(i);
        }

        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> received = consumeAll(topic, count);
        for (int p = 0; p < PARTITIONS; p++) {
            List<Integer> expected = sentByPartition.getOrDefault(p, List.of());
            List<ConsumerRecord<byte[], byte[]>> got = received.getOrDefault(p, List.of());
            assertEquals(expected.size(), got.size(), "records in partition " + p);
            for (int j = 0; j < expected.size(); j++) {
                ProducerRecord<byte[], byte[]> want = sent.get(expected.get(j));
                ConsumerRecord<byte[], byte[]> have = got.get(j);
                assertEquals(j, have.offset(), "offsets are dense and in send order");
                assertArrayEquals(want.key(), have.key());
                assertArrayEquals(want.value(), have.value());
                assertEquals(want.timestamp(), have.timestamp());
                assertArrayEquals(want.headers().lastHeader("index").value(), have.headers().lastHeader("index").value());
            }
        }
    }

    private Map<Integer, List<ConsumerRecord<byte[], byte[]>>> consumeAll(String topic, int count) {
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> received = new HashMap<>();
        Properties props = new Properties();
        props.put("bootstrap.servers", varve.bootstrapServers());
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        try (KafkaConsumer<byte[], byte[]> consumer =
                 new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int total = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (total < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    received.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
                    total++;
                }
            }
            assertEquals(count, total, "every record consumed before the deadline");
            assertTrue(consumer.poll(Duration.ofMillis(200)).isEmpty(), "nothing beyond what was produced");
        }
        return received;
    }
}
