package io.varve.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The configuration of a one-node Apache Kafka on loopback (KRaft, broker and controller in one
 * process, as ../shared/KAFKA-REFERENCE.md formats and starts it): what the compatibility tests'
 * Kafka peer and the side-by-side benchmark's Kafka share. Internal topics have replication factor
 * 1 and the first rebalance is not delayed, so one node serves groups and transactions at once.
 *
 * <p>Stateless and thread-safe.
 */
public final class KafkaServerProperties {

    private KafkaServerProperties() {
    }

    /**
     * The server properties of a one-node KRaft Kafka with its client listener on {@code port}, its
     * controller listener on {@code controllerPort} and its data under {@code dataDir}; a mutable,
     * sorted copy, for the caller to add to.
     */
    public static Map<String, String> singleNode(Path dataDir, int port, int controllerPort) {
        return new TreeMap<>(Map.ofEntries(
            Map.entry("process.roles", "broker,controller"),
            Map.entry("node.id", "1"),
            Map.entry("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort),
            Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
            Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
            Map.entry("controller.listener.names", "CONTROLLER"),
            Map.entry("inter.broker.listener.name", "PLAINTEXT"),
            Map.entry("log.dirs", dataDir.toString()),
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0")));
    }

    /** Writes {@code properties} to {@code file} in {@link Properties} format, headed by {@code comment}; returns {@code file}. */
    public static Path write(Path file, Map<String, String> properties, String comment) throws IOException {
        Properties p = new Properties();
        p.putAll(properties);
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, comment);
        }
        return file;
    }

    /** A port free on 127.0.0.1 now (another process may take it before the caller binds it). */
    public static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
