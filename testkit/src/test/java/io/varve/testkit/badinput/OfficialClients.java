package io.varve.testkit.badinput;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The official Kafka clients, unchanged, as the well-behaved neighbour of a bad client. */
final class OfficialClients {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private OfficialClients() {
    }

    /** Creates single-partition topics. */
    static void createTopics(String bootstrap, String... names) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(Stream.of(names).map(n -> new NewTopic(n, 1, (short) 1)).toList())
                .all().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Produces {@code values} to partition 0 with the default (idempotent, acks=all) producer, waiting for each ack. */
    static void produce(String bootstrap, String topic, List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
            "delivery.timeout.ms", (int) DEADLINE.toMillis(), "request.timeout.ms", 10_000),
            new StringSerializer(), new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, 0, null, value)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    /** Every value of partition 0, from the beginning to the end offset the broker reports. */
    static List<String> consumeAll(String bootstrap, String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
            new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), DEADLINE).get(tp);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (consumer.position(tp, DEADLINE) < end) {
                if (System.nanoTime() - deadline > 0) {
                    fail("could not read " + topic + " to its end offset " + end + " within " + DEADLINE);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
