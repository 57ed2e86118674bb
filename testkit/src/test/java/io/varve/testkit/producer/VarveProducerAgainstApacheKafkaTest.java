package io.varve.testkit.producer;

import io.varve.testkit.compat.ApacheKafkaProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Varve's producer against a real Apache Kafka 4.3.1 broker, read back by the official consumer:
 * the proof that Varve's batches, sequences and partitioning are Kafka's, not merely Varve's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VarveProducerAgainstApacheKafkaTest {

    private static final int PARTITIONS = 3;

    @TempDir
    static Path dir;
    private ApacheKafkaProcess kafka;

    @BeforeAll
    void start() throws Exception {
        kafka = ApacheKafkaProcess.start(dir);
    }

    @AfterAll
    void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void defaultProducerDeliversOneHundredThousandRecordsToKafka() throws Exception {
        RoundTrip rt = new RoundTrip(kafka.bootstrapServers(), "kafka-default", PARTITIONS);
        rt.createTopic();
        long startMs = System.currentTimeMillis();
        rt.verify(rt.produce(100_000, Map.of()), startMs, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1"})
    void acksWithoutIdempotenceDeliverToKafka(String acks) throws Exception {
        RoundTrip rt = new RoundTrip(kafka.bootstrapServers(), "kafka-acks" + acks, PARTITIONS);
        rt.createTopic();
        long startMs = System.currentTimeMillis();
        rt.verify(rt.produce(5_000, Map.of("acks", acks)), startMs, !acks.equals("0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void everyCompressionCodecIsReadByKafka(String codec) throws Exception {
        RoundTrip rt = new RoundTrip(kafka.bootstrapServers(), "kafka-codec-" + codec, PARTITIONS);
        rt.createTopic();
        long startMs = System.currentTimeMillis();
        rt.verify(rt.produce(5_000, Map.of("compression.type", codec)), startMs, true);
    }
}
