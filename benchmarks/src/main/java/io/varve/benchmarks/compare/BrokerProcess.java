package io.varve.benchmarks.compare;

import io.varve.benchmarks.compare.RunResult.Broker;
import io.varve.testkit.KafkaServerProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One broker, Apache Kafka or Varve, as its own JVM: one node with the broker and controller roles,
 * its data in a fresh directory, the given heap and Kafka's G1 flags for both. Topics are created
 * with the official admin client, which also tells when the broker is ready.
 */
final class BrokerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** Kafka's own launcher flags (kafka-run-class.sh), given to both brokers. */
    static final List<String> G1_FLAGS = List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
        "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent");

    private final Broker broker;
    private final ChildJvm jvm;
    private final int port;

    private BrokerProcess(Broker broker, ChildJvm jvm, int port) {
        this.broker = broker;
        this.jvm = jvm;
        this.port = port;
    }

    /**
     * Starts {@code broker} with its data under {@code workDir} and waits until it answers.
     *
     * @param extraJvmArgs e.g. a flight recording, added to the broker's JVM only
     */
    static BrokerProcess start(Broker broker, CompareOptions options, Path workDir, List<String> extraJvmArgs)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        int port = KafkaServerProperties.freeLoopbackPort();
        List<String> jvmArgs = new ArrayList<>(List.of("-Xms" + options.heap(), "-Xmx" + options.heap()));
        jvmArgs.addAll(G1_FLAGS);
        jvmArgs.addAll(extraJvmArgs);
        ChildJvm jvm;
        if (broker == Broker.KAFKA) {
            Path config = KafkaServerProperties.write(workDir.resolve("server.properties"),
                KafkaServerProperties.singleNode(workDir.resolve("data"), port, KafkaServerProperties.freeLoopbackPort()),
                "Apache Kafka for the Varve side-by-side benchmark");
            List<String> toolArgs = kafkaJvmArgs(options, List.of("-Xmx256m"));
            ChildJvm format = ChildJvm.start(toolArgs, List.of("kafka.tools.StorageTool", "format", "--standalone",
                "-t", "varve-bench-cluster-0001", "-c", config.toString()), workDir.resolve("format.log"));
            if (format.await(60_000) != 0) {
                throw new IOException("formatting Kafka's storage failed:\n" + format.tail(20));
            }
            jvm = ChildJvm.start(kafkaJvmArgs(options, jvmArgs), List.of("kafka.Kafka", config.toString()),
                workDir.resolve("broker.log"));
        } else {
            List<String> args = new ArrayList<>(options.varveJvmFlags());
            args.addAll(jvmArgs);
            args.addAll(List.of("-jar", options.varveJar().toString(), "server",
                "--override", "log.dirs=" + workDir.resolve("data"),
                "--override", "metadata.log.dir=" + workDir.resolve("metadata"),
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + port));
            jvm = ChildJvm.start(args, List.of(), workDir.resolve("broker.log"));
        }
        BrokerProcess process = new BrokerProcess(broker, jvm, port);
        try {
            process.awaitReady();
        } catch (IOException | RuntimeException | InterruptedException e) {
            process.close();
            throw e;
        }
        return process;
    }

    /** JVM arguments for a Kafka main class: the cached Kafka distribution and its log4j2 configuration. */
    static List<String> kafkaJvmArgs(CompareOptions options, List<String> jvmArgs) {
        List<String> args = new ArrayList<>(jvmArgs);
        args.add("-Dlog4j2.configurationFile=" + options.kafkaLog4j());
        args.add("-cp");
        args.add(options.kafkaLib().resolve("*").toString());
        return args;
    }

    Broker broker() {
        return broker;
    }

    long pid() {
        return jvm.pid();
    }

    boolean isAlive() {
        return jvm.isAlive();
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Creates {@code topic} with {@code partitions} partitions, replication 1. */
    void createTopic(String topic, int partitions) throws IOException {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (Exception e) {
            throw new IOException("could not create " + topic + " on " + broker.title + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                if (!jvm.isAlive()) {
                    throw new IOException(broker.title + " exited:\n" + jvm.tail(30));
                }
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    // Still starting; the admin client's backoff paces this loop.
                }
            }
        }
        throw new IOException(broker.title + " did not answer within " + START_TIMEOUT + ":\n" + jvm.tail(30));
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    }

    @Override
    public void close() throws InterruptedException {
        jvm.stop();
    }
}
