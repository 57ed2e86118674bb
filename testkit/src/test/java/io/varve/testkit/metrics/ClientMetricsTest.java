package io.varve.testkit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.varve.common.TopicPartition;
import io.varve.consumer.ByteArrayDeserializer;
import io.varve.consumer.VarveConsumer;
import io.varve.producer.ProducerRecord;
import io.varve.producer.Serializers;
import io.varve.producer.VarveProducer;
import io.varve.testkit.EmbeddedVarve;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Varve producer's and consumer's metrics move with real traffic against an embedded node. */
class ClientMetricsTest {

    private static final String TOPIC = "client-metrics";
    private static final int RECORDS = 40;
    private static final Tags CLIENT = Tags.of("client.id", "metrics-test");

    @TempDir
    Path dir;
    private EmbeddedVarve varve;

    @BeforeEach
    void start() throws Exception {
        varve = EmbeddedVarve.start(dir);
    }

    @AfterEach
    void stop() {
        varve.close();
    }

    @Test
    void producerAndConsumerRecordWhatTheySentAndConsumed() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (VarveProducer<byte[], byte[]> producer = new VarveProducer<>(Map.of("bootstrap.servers", varve.bootstrapServers(),
                "client.id", "metrics-test", "buffer.memory", "1048576"), Serializers.byteArray(), Serializers.byteArray(), registry)) {
            assertEquals(1048576.0, registry.get("varve.producer.buffer.available.bytes").tags(CLIENT).gauge().value());
            List<CompletableFuture<?>> sent = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                sent.add(producer.send(new ProducerRecord<>(TOPIC, 0, null, null, ("v" + i).getBytes(StandardCharsets.UTF_8), List.of())));
            }
            for (CompletableFuture<?> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertEquals(RECORDS, registry.get("varve.producer.records.sent").tags(CLIENT).counter().count());
            assertTrue(registry.get("varve.producer.bytes.sent").tags(CLIENT).counter().count() > RECORDS * 2);
            assertTrue(registry.get("varve.producer.request.latency").tags(CLIENT).timer().count() >= 1);
            assertEquals(0.0, registry.get("varve.producer.errors").tags(CLIENT).counter().count());
            assertEquals(0.0, registry.get("varve.producer.retries").tags(CLIENT).counter().count());
        }

        try (VarveConsumer<byte[], byte[]> consumer = new VarveConsumer<>(Map.of("bootstrap.servers", varve.bootstrapServers(),
                "client.id", "metrics-test", "auto.offset.reset", "earliest", "max.poll.records", "10"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer(), registry)) {
            consumer.assign(List.of(new TopicPartition(TOPIC, 0)));
            int seen = consumer.poll(Duration.ofSeconds(10)).count();
            // The first fetch saw the whole partition ahead of its position.
            assertEquals(RECORDS, registry.get("varve.consumer.records.lag.max").tags(CLIENT).gauge().value());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen < RECORDS && System.nanoTime() < deadline) {
                seen += consumer.poll(Duration.ofMillis(500)).count();
            }
            assertEquals(RECORDS, seen);
            assertEquals(RECORDS, registry.get("varve.consumer.records.consumed").tags(CLIENT).counter().count());
            assertTrue(registry.get("varve.consumer.bytes.consumed").tags(CLIENT).counter().count() > RECORDS * 2);
            assertTrue(registry.get("varve.consumer.fetch.latency").tags(CLIENT).timer().count() >= 1);
        }
    }

    @Test
    void clientsWithoutARegistryKeepTheirOwn() throws Exception {
        try (VarveProducer<byte[], byte[]> producer = new VarveProducer<>(Map.of("bootstrap.servers", varve.bootstrapServers()),
                Serializers.byteArray(), Serializers.byteArray())) {
            producer.send(new ProducerRecord<>(TOPIC, 0, null, null, new byte[] {1}, List.<io.varve.producer.Header>of())).get(30, TimeUnit.SECONDS);
            assertEquals(1.0, producer.metrics().get("varve.producer.records.sent").counter().count());
        }
    }
}
