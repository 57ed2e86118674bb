package io.varve.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.VarveNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics endpoint of a real node, driven by the official Kafka clients and scraped over HTTP:
 * names and types as docs/metrics.md lists them, values that move with traffic, health checks.
 */
class MetricsEndpointTest {

    private static final String TOPIC = "metrics-orders";
    private static final int RECORDS = 50;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Path DOC = Path.of("..", "docs", "metrics.md");

    @TempDir
    Path dir;

    private VarveNode broker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        broker = VarveNode.start(Map.of("log.dirs", dir.toString(), "listeners", "PLAINTEXT://127.0.0.1:0",
            "metrics.port", "0", "log.flush.interval.messages", "1"));
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broker.metricsPort() + path))
            .timeout(Duration.ofSeconds(10));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private PrometheusText scrape() throws Exception {
        HttpResponse<String> response = get("/metrics", null);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
            () -> "content type " + response.headers().firstValue("Content-Type"));
        return PrometheusText.parse(response.body());
    }

    private String bootstrap() {
        return "127.0.0.1:" + broker.clientPort();
    }

    @Test
    void healthChecksAnswerOnceTheNodeServesClients() throws Exception {
        assertEquals(200, get("/health/live", null).statusCode());
        assertEquals(200, get("/health/ready", null).statusCode());
        assertEquals(404, get("/nothing-here", null).statusCode());
    }

    @Test
    void trafficFromTheKafkaClientsMovesTheCountersAndEveryDocumentedMetricIsExposed() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            // An error answer, so that the per-error counter exists.
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> admin.deleteTopics(List.of("no-such-topic")).all().get());
            assertTrue(e.getCause() instanceof UnknownTopicOrPartitionException, e.toString());
        }
        broker.metrics().consumerLag().bind(() -> List.of(new ConsumerLagMetrics.LagEntry("g1", TOPIC, 0, 7)));
        PrometheusText before = scrape();
        double bytesInBefore = before.value("varve_topic_in_bytes_total", Map.of("topic", TOPIC)).orElse(0.0);
        double produceRequestsBefore = before.value("varve_requests_total", Map.of("api", "Produce")).orElseThrow();

        produce();
        consume();

        PrometheusText after = scrape();
        Map<String, String> topic = Map.of("topic", TOPIC);
        Map<String, String> partition = Map.of("topic", TOPIC, "partition", "0");
        assertTrue(after.value("varve_topic_in_bytes_total", topic).orElseThrow() > bytesInBefore);
        assertEquals(RECORDS, after.value("varve_topic_in_records_total", topic).orElseThrow());
        assertTrue(after.value("varve_topic_out_records_total", topic).orElseThrow() >= RECORDS);
        assertTrue(after.value("varve_topic_out_bytes_total", topic).orElseThrow() > 0);
        assertTrue(after.value("varve_requests_total", Map.of("api", "Produce")).orElseThrow() > produceRequestsBefore);
        assertEquals(1.0, after.value("varve_request_errors_total",
            Map.of("api", "DeleteTopics", "error", "UNKNOWN_TOPIC_OR_PARTITION")).orElseThrow());
        assertTrue(after.value("varve_request_total_time_seconds_count", Map.of("api", "Fetch")).orElseThrow() > 0);
        assertTrue(after.sum("varve_request_queue_time_seconds_bucket", Map.of("api", "Produce", "le", "+Inf")) > 0);
        assertEquals(RECORDS, after.value("varve_partition_log_end_offset", partition).orElseThrow());
        assertEquals(1.0, after.value("varve_partition_log_segments", partition).orElseThrow());
        assertTrue(after.value("varve_partition_log_size_bytes", partition).orElseThrow() > 0);
        assertTrue(after.value("varve_partition_flush_time_seconds_count", partition).orElseThrow() > 0);
        assertEquals(0.0, after.value("varve_replication_under_replicated_partitions", Map.of()).orElseThrow());
        assertEquals(0.0, after.value("varve_replication_offline_partitions", Map.of()).orElseThrow());
        assertEquals(1.0, after.value("varve_replication_leader_partitions", Map.of()).orElseThrow());
        assertEquals(1.0, after.value("varve_controller_active", Map.of()).orElseThrow());
        assertEquals(1.0, after.value("varve_controller_leader_id", Map.of()).orElseThrow());
        assertTrue(after.value("varve_controller_commit_time_seconds_count", Map.of()).orElseThrow() > 0);
        assertEquals(7.0, after.value("varve_consumer_group_lag_records", Map.of("group", "g1")).orElseThrow());
        assertTrue(after.value("varve_network_connections_accepted_total", Map.of()).orElseThrow() >= 3);
        assertTrue(after.value("varve_network_received_bytes_total", Map.of()).orElseThrow() > 0);
        assertTrue(after.value("jvm_memory_used_bytes", Map.of()).isPresent());
        assertTrue(after.value("process_uptime_seconds", Map.of()).isPresent());

        assertEquals("counter", after.type("varve_topic_in_bytes_total"));
        assertEquals("histogram", after.type("varve_request_total_time_seconds"));
        assertEquals("gauge", after.type("varve_partition_log_size_bytes"));
        assertEquals("summary", after.type("varve_partition_flush_time_seconds"));

        Set<String> exposed = new TreeSet<>();
        for (String family : after.types.keySet()) {
            boolean timerMax = family.endsWith("_max") && after.types.containsKey(family.substring(0, family.length() - 4));
            if (family.startsWith("varve_") && !timerMax) {
                exposed.add(after.type(family).equals("counter") && !family.endsWith("_total") ? family + "_total" : family);
            }
        }
        assertEquals(exposed, documented(), "docs/metrics.md must list exactly the varve_ metrics the broker exposes");
    }

    @Test
    void openMetricsIsServedWhenAsked() throws Exception {
        HttpResponse<String> response = get("/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
        assertTrue(response.body().strip().endsWith("# EOF"));
    }

    /** The backticked {@code varve_} names in the first column of docs/metrics.md's tables. */
    private static Set<String> documented() throws Exception {
        Set<String> names = new TreeSet<>();
        Pattern row = Pattern.compile("^\\| `(varve_[a-z0-9_]+)` \\|");
        for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private void produce() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                sent.add(producer.send(new ProducerRecord<>(TOPIC, 0, null, ("value-" + i).getBytes(StandardCharsets.UTF_8))));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get();
            }
        }
    }

    private void consume() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            int seen = 0;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (seen < RECORDS && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                seen += records.count();
            }
            assertEquals(RECORDS, seen);
        }
    }
}
