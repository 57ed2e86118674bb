package io.varve.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-node Kafka configuration: both listeners on loopback at the given ports, written so that Kafka reads it back. */
class KafkaServerPropertiesTest {

    @TempDir
    Path dir;

    @Test
    void writesAOneNodeKraftConfigurationThatReadsBack() throws IOException {
        Map<String, String> props = KafkaServerProperties.singleNode(dir.resolve("data"), 9092, 9093);
        props.put("num.partitions", "1");
        Path file = KafkaServerProperties.write(dir.resolve("server.properties"), props, "test");
        Properties read = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            read.load(in);
        }
        assertEquals(props.size(), read.size());
        assertEquals("broker,controller", read.getProperty("process.roles"));
        assertEquals("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093", read.getProperty("listeners"));
        assertEquals("127.0.0.1:9093", read.getProperty("controller.quorum.bootstrap.servers"));
        assertEquals(dir.resolve("data").toString(), read.getProperty("log.dirs"));
        assertEquals("1", read.getProperty("num.partitions"));
    }

    @Test
    void freeLoopbackPortCanBeBoundOnLoopback() throws IOException {
        int port = KafkaServerProperties.freeLoopbackPort();
        assertTrue(port > 0 && port < 65536, "port " + port);
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            assertEquals(port, s.getLocalPort());
        }
    }
}
