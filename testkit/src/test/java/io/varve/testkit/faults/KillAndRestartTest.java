package io.varve.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §7 tier 5: a Varve process is killed with SIGKILL while the official idempotent producer
 * writes with acks=all and a quarter of the records is in flight (sent to the frozen broker, not
 * answered), then restarted on the same data. Every acknowledged record is there exactly once, in send
 * order per partition, the in-flight ones too once the producer retried them; and a SIGTERM stop is
 * clean.
 */
class KillAndRestartTest {

    private static final int PARTITIONS = 2;
    private static final int RECORDS = 20_000;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedRecordSurvivesSigkillExactlyOnce() throws Exception {
        try (VarveProcess varve = new VarveProcess(dir)) {
            varve.start();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", varve.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("acked", PARTITIONS, (short) 1))).all().get();
            }
            Map<Integer, Integer> ackedPartition = new ConcurrentHashMap<>();
            AtomicInteger failures = new AtomicInteger();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", varve.bootstrapServers(), "acks", "all",
                "delivery.timeout.ms", "120000", "request.timeout.ms", "5000",
                "reconnect.backoff.max.ms", "200", "linger.ms", "1"), new StringSerializer(), new StringSerializer())) {
                int ackedBeforePause = 0;
                int ackedAtKill = 0;
                for (int i = 0; i < RECORDS; i++) {
                    int index = i;
                    producer.send(new ProducerRecord<>("acked", Integer.toString(i % 64), Integer.toString(i)), (md, e) -> {
                        if (e == null) {
                            ackedPartition.put(index, md.partition());
                        } else {
                            failures.incrementAndGet();
                        }
                    });
                    if (i == RECORDS / 4) {
                        // The first quarter is acknowledged; the broker is then frozen so that the next
                        // quarter is certainly in flight (sent, unanswered) when it is killed.
                        producer.flush();
                        ackedBeforePause = ackedPartition.size();
                        varve.pause();
                    }
                    if (i == RECORDS / 2) {
                        ackedAtKill = ackedPartition.size();
                        varve.kill();
                        varve.start();
                    }
                }
                producer.flush();
                assertEquals(RECORDS / 4 + 1, ackedBeforePause, "the first quarter acknowledged before the pause");
                assertEquals(ackedBeforePause, ackedAtKill, "nothing acknowledged by a frozen broker: the rest was in flight");
            }
            assertEquals(0, failures.get(), "the producer retried through the restart");
            assertEquals(RECORDS, ackedPartition.size(), "every record acknowledged in the end");

            Map<Integer, List<Integer>> consumed = consume(varve.bootstrapServers());
            BitSet seen = new BitSet(RECORDS);
            for (Map.Entry<Integer, List<Integer>> partition : consumed.entrySet()) {
                int previous = -1;
                for (int value : partition.getValue()) {
                    assertTrue(!seen.get(value), "record " + value + " stored twice");
                    seen.set(value);
                    assertTrue(value > previous, "partition " + partition.getKey() + " out of send order at " + value);
                    previous = value;
                }
            }
            ackedPartition.keySet().forEach(i -> assertTrue(seen.get(i), "acknowledged record " + i + " lost"));
            assertEquals(0, varve.terminate(), "SIGTERM shuts down cleanly");
        }
    }

    private static Map<Integer, List<Integer>> consume(String bootstrap) {
        Map<Integer, List<Integer>> out = new ConcurrentHashMap<>();
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            tps.add(new TopicPartition("acked", p));
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
            Map.of("bootstrap.servers", bootstrap), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    out.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(Integer.parseInt(r.value()));
                }
            }
        }
        return out;
    }
}
