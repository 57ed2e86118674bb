package io.varve.testkit.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.producer.ProducerException;
import io.varve.producer.ProducerRecord;
import io.varve.producer.RecordMetadata;
import io.varve.producer.VarveProducer;
import io.varve.testkit.EmbeddedVarve;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Varve's producer against a Varve node. What the broker stored is read back from its log files with
 * Kafka's own record decoder ({@link LogFiles}), not with the official consumer: on this tree the
 * consumer reads nothing back from Varve, even what KafkaProducer wrote (KafkaClientsAgainstVarveTest
 * fails the same way), a fetch-path problem outside the producer. Covered: the default
 * (idempotent, acks=all) producer with 100,000 records, each acks setting, the sticky partitioner,
 * the failures reported at once, and idempotent delivery across a broker restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VarveProducerAgainstVarveTest {

    private static final int PARTITIONS = 3;

    @TempDir
    static Path dir;
    private EmbeddedVarve varve;

    @BeforeAll
    void start() throws Exception {
        // RoundTrip's records carry timestamps from 2023, and a broker forgets a producer whose last
        // batch's largest timestamp is producer.id.expiration.ms (a day) old, at load too, as Kafka does.
        // Without this, a restart forgets every producer whose last batch has no current-time record,
        // and its next batch (sequence above 0) gets OUT_OF_ORDER_SEQUENCE_NUMBER.
        varve = EmbeddedVarve.start(dir, Map.of("producer.id.expiration.ms", Long.toString(Long.MAX_VALUE)));
    }

    @AfterAll
    void stop() {
        if (varve != null) {
            varve.close();
        }
    }

    private static RoundTrip.Reader stored(String topic) {
        return LogFiles.reader(dir, topic, PARTITIONS);
    }

    private RoundTrip roundTrip(String topic) throws Exception {
        RoundTrip rt = new RoundTrip(varve.bootstrapServers(), topic, PARTITIONS);
        rt.createTopic();
        return rt;
    }

    @Test
    void defaultProducerDeliversOneHundredThousandRecords() throws Exception {
        RoundTrip rt = roundTrip("varve-default");
        long startMs = System.currentTimeMillis();
        rt.verify(rt.produce(100_000, Map.of()), startMs, true, stored("varve-default"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "all"})
    void everyAcksSettingDelivers(String acks) throws Exception {
        String topic = "varve-acks-" + acks;
        RoundTrip rt = roundTrip(topic);
        long startMs = System.currentTimeMillis();
        List<RecordMetadata> metadata = rt.produce(5_000, Map.of("acks", acks));
        if (acks.equals("0")) {
            assertTrue(metadata.stream().allMatch(md -> md.offset() == -1L), "acks=0 learns no offsets");
        }
        rt.verify(metadata, startMs, !acks.equals("0"), stored(topic));
    }

    /** Compressed batches from the Varve producer, read back by the official consumer through the broker. */
    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void everyCompressionCodecDeliversAndReadsBackThroughTheBroker(String codec) throws Exception {
        RoundTrip rt = roundTrip("varve-codec-" + codec);
        long startMs = System.currentTimeMillis();
        rt.verify(rt.produce(5_000, Map.of("compression.type", codec)), startMs, true);
    }

    @Test
    void unkeyedRecordsStickToAPartitionPerBatch() throws Exception {
        RoundTrip rt = roundTrip("varve-sticky");
        List<RecordMetadata> metadata = new ArrayList<>();
        try (VarveProducer<byte[], byte[]> producer = rt.producer(Map.of("linger.ms", 1_000, "batch.size", 2_048))) {
            List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                acks.add(producer.send(new ProducerRecord<>("varve-sticky", new byte[100])));
            }
            producer.flush();
            for (CompletableFuture<RecordMetadata> ack : acks) {
                metadata.add(ack.get());
            }
        }
        int switches = 0;
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < metadata.size(); i++) {
            used.add(metadata.get(i).partition());
            if (i > 0 && metadata.get(i).partition() != metadata.get(i - 1).partition()) {
                switches++;
            }
        }
        // ~15 records of ~110 bytes fill a 2 KiB batch: the partition changes once per batch, not per record.
        assertTrue(switches >= 10 && switches <= 30, "partition switches: " + switches);
        assertTrue(used.size() > 1, "records spread over partitions");
    }

    @Test
    void failuresBeforeBatchingAreReportedAtOnce() throws Exception {
        roundTrip("varve-failures");
        RoundTrip rt = new RoundTrip(varve.bootstrapServers(), "varve-failures", PARTITIONS);
        VarveProducer<byte[], byte[]> producer = rt.producer(Map.of("max.request.size", 1_000));
        ProducerException[] fromCallback = new ProducerException[1];
        CompletableFuture<RecordMetadata> tooLarge = producer.send(
            new ProducerRecord<>("varve-failures", new byte[2_000]), (md, e) -> fromCallback[0] = (ProducerException) e);
        assertEquals(ProducerException.Reason.RECORD_TOO_LARGE, reasonOf(tooLarge));
        assertEquals(ProducerException.Reason.RECORD_TOO_LARGE, fromCallback[0].reason(), "callback ran on the calling thread");
        CompletableFuture<RecordMetadata> badPartition = producer.send(
            new ProducerRecord<>("varve-failures", 7, null, null, new byte[1], List.of()));
        assertEquals(ProducerException.Reason.INVALID_PARTITION, reasonOf(badPartition));
        CompletableFuture<RecordMetadata> accepted = producer.send(new ProducerRecord<>("varve-failures", new byte[10]));
        producer.close();
        assertEquals("varve-failures", accepted.get(0, TimeUnit.SECONDS).topic(), "close sends what was accepted");
        assertEquals(ProducerException.Reason.CLOSED,
            reasonOf(producer.send(new ProducerRecord<>("varve-failures", new byte[10]))));
    }

    private static ProducerException.Reason reasonOf(CompletableFuture<RecordMetadata> future) {
        try {
            future.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return ((ProducerException) e.getCause()).reason();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The broker restarts while batches are in flight; retries keep their sequences, so nothing is written twice. */
    @Test
    void idempotentDeliverySurvivesABrokerRestartWithoutDuplicates() throws Exception {
        String topic = "varve-restart";
        RoundTrip rt = roundTrip(topic);
        int count = 20_000;
        long startMs = System.currentTimeMillis();
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(count);
        try (VarveProducer<byte[], byte[]> producer = rt.producer(Map.of("linger.ms", 0, "batch.size", 1_024))) {
            for (int i = 0; i < count; i++) {
                acks.add(producer.send(RoundTrip.record(topic, i)));
                if (i == count / 2) {
                    varve.restart();
                }
            }
            producer.flush();
        }
        List<RecordMetadata> metadata = new ArrayList<>(count);
        for (CompletableFuture<RecordMetadata> ack : acks) {
            metadata.add(ack.get(0, TimeUnit.SECONDS));
        }
        Map<Integer, List<RoundTrip.ReadRecord>> received = stored(topic).readAll(count);
        Set<String> seen = new HashSet<>();
        for (List<RoundTrip.ReadRecord> records : received.values()) {
            int last = -1;
            for (RoundTrip.ReadRecord r : records) {
                int index = Integer.parseInt(new String(r.headers().get("index"), java.nio.charset.StandardCharsets.UTF_8));
                assertTrue(seen.add(Integer.toString(index)), "record " + index + " written twice");
                assertTrue(index > last, "record " + index + " after " + last + ": order kept per partition");
                last = index;
                RoundTrip.checkRecord(RoundTrip.record(topic, index), r, startMs);
            }
        }
        assertEquals(count, seen.size());
        rt.verify(metadata, startMs, true, stored(topic));
    }
}
