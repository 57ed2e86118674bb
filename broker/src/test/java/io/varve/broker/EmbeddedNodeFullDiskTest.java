package io.varve.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.SmallTmpfs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, defect 6, on the embedded one-voter node (no heartbeats: it reports its offline log directory to
 * its own controller): its log directory, a 4 MiB tmpfs, fills up; the write that does not fit is refused,
 * the directory goes offline and the partition loses its leader (there is no other replica to take it), the
 * node stays up; a clean stop works on the full disk; a start on the still-full disk works; and a start with
 * space back leads again with every acknowledged record. Mounting needs root (as in CI).
 */
class EmbeddedNodeFullDiskTest {

    private static final String TOPIC = "full";
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private SmallTmpfs tmpfs;
    private VarveNode broker;

    @BeforeEach
    void mount() throws Exception {
        tmpfs = SmallTmpfs.mount(dir, 4 << 20);
        Assumptions.assumeTrue(tmpfs != null, "needs root to mount a 4 MiB tmpfs for the log directory");
    }

    @AfterEach
    void unmount() throws Exception {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            if (tmpfs != null) {
                tmpfs.close();
            }
        }
    }

    private VarveNode start() throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put("log.dirs", tmpfs.path().resolve("data").toString());
        props.put("metadata.log.dir", dir.resolve("meta").toString());
        props.put("listeners", "PLAINTEXT://127.0.0.1:0");
        props.put("metrics.port", "0");
        props.put("log.segment.bytes", Integer.toString(256 << 10));
        props.put("offsets.topic.replication.factor", "1");
        return VarveNode.start(props);
    }

    private String bootstrap() {
        return "127.0.0.1:" + broker.clientPort();
    }

    @Test
    void theEmbeddedNodeTakesAFullDirectoryOfflineStaysUpAndLeadsAgainAfterARestartWithSpace() throws Exception {
        broker = start();
        List<String> acked = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        send(100, "before", acked);
        assertEquals(100, acked.size());

        Path filler = tmpfs.fillUp();
        List<String> refused = new ArrayList<>();
        send(300, "full", refused); // about 300 KiB: more than any space reserved ahead of the data
        assertTrue(refused.size() < 300, "the full disk refused some: " + refused.size() + " of 300 acknowledged");
        acked.addAll(refused);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            TopicPartitionInfo p = awaitPartition(admin, info -> info.leader() == null, "the partition without a leader");
            assertEquals(1, p.isr().size(), "its last ISR member stays, to lead again without loss");
        }
        broker.close(); // a clean stop on the full, offline disk
        broker = start(); // and a start on the still-full disk
        broker.close();

        tmpfs.free(filler);
        broker = start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            awaitPartition(admin, info -> info.leader() != null, "a leader again after a restart with space");
        }
        send(50, "after", acked);
        assertEquals(readAll(acked.size()), acked, "every acknowledged record, once, in order");
    }

    /** Sends {@code count} records of about 1 KiB one at a time; adds the acknowledged ones to {@code acked}. */
    private void send(int count, String phase, List<String> acked) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap(),
            "acks", "all", "delivery.timeout.ms", "3000", "request.timeout.ms", "2000", "linger.ms", "0",
            "max.block.ms", "5000", "retry.backoff.max.ms", "200"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String value = phase + "-" + i;
                try {
                    producer.send(new ProducerRecord<>(TOPIC, 0, null, value + "|" + "x".repeat(1000))).get();
                    acked.add(value);
                } catch (ExecutionException e) {
                    return; // refused: the rest would be too
                }
            }
        }
    }

    private List<String> readAll(int expected) {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap(),
            "enable.auto.commit", "false", "auto.offset.reset", "earliest"), new StringDeserializer(),
            new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (read.size() < expected && System.nanoTime() - deadline < 0) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    read.add(r.value().substring(0, r.value().indexOf('|')));
                }
            }
        }
        return read;
    }

    private TopicPartitionInfo awaitPartition(Admin admin, java.util.function.Predicate<TopicPartitionInfo> condition,
                                              String what) throws Exception {
        long deadline = System.nanoTime() + BOUND.toNanos();
        Object last = "nothing";
        while (System.nanoTime() - deadline < 0) {
            try {
                TopicDescription d = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(5, TimeUnit.SECONDS).get(TOPIC);
                TopicPartitionInfo p = d.partitions().get(0);
                if (condition.test(p)) {
                    return p;
                }
                last = p;
            } catch (ExecutionException e) {
                last = e;
            }
            Thread.sleep(100); // integration test: bounded polling of a real node
        }
        throw new AssertionError(what + ": not within " + BOUND + "; last: " + last);
    }
}
