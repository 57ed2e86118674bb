package io.varve.testkit.compat;

import io.varve.testkit.KafkaServerProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real Apache Kafka 4.3.1 broker (KRaft, broker and controller in one process) started from the
 * Maven Central artifacts on the test classpath, in a child JVM: the peer for compatibility tests
 * of Varve's own clients. Formatting and start follow ../shared/KAFKA-REFERENCE.md.
 *
 * <p>Not thread-safe; one test owns one instance and closes it.
 */
public final class ApacheKafkaProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final int port;
    private final Path logFile;

    private ApacheKafkaProcess(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /** Formats a fresh data directory under {@code workDir}, starts the broker and waits until it answers. */
    public static ApacheKafkaProcess start(Path workDir) throws IOException, InterruptedException {
        int port = KafkaServerProperties.freeLoopbackPort();
        int controllerPort = KafkaServerProperties.freeLoopbackPort();
        Map<String, String> properties = KafkaServerProperties.singleNode(workDir.resolve("data"), port, controllerPort);
        properties.put("num.partitions", "1");
        Path config = KafkaServerProperties.write(workDir.resolve("server.properties"), properties,
            "Apache Kafka peer for Varve compatibility tests");
        Path log = workDir.resolve("kafka.log");
        run(List.of("kafka.tools.StorageTool", "format", "--standalone", "-t", "varve-compat-cluster-0001",
            "-c", config.toString()), workDir.resolve("format.log"), Duration.ofSeconds(60));
        Process broker = java(List.of("kafka.Kafka", config.toString()), log).start();
        ApacheKafkaProcess kafka = new ApacheKafkaProcess(broker, port, log);
        try {
            kafka.awaitReady();
        } catch (IOException | RuntimeException | InterruptedException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("Kafka exited with " + process.exitValue() + ":\n" + tail());
                }
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    // The broker is still starting; the admin client's own backoff paces this loop.
                }
            }
        }
        throw new IOException("Kafka did not answer within " + START_TIMEOUT + ":\n" + tail());
    }

    private String tail() throws IOException {
        List<String> lines = Files.exists(logFile) ? Files.readAllLines(logFile) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void run(List<String> mainAndArgs, Path log, Duration timeout) throws IOException, InterruptedException {
        Process p = java(mainAndArgs, log).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(mainAndArgs.get(0) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(mainAndArgs + " exited with " + p.exitValue() + ": " + Files.readString(log));
        }
    }

    private static ProcessBuilder java(List<String> mainAndArgs, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-cp", System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    }
}
