package io.varve.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientConfigTest {

    @Test
    void kafkaDefaultsWhenOnlyTheBootstrapServersAreGiven() {
        ClientConfig c = ClientConfig.from(Map.of("bootstrap.servers", "localhost:9092"));

        assertEquals(List.of("localhost:9092"), c.bootstrapServers());
        assertEquals("", c.clientId());
        assertEquals(30_000, c.requestTimeoutMs());
        assertEquals(50L, c.reconnectBackoffMs());
        assertEquals(1_000L, c.reconnectBackoffMaxMs());
        assertEquals(100L, c.retryBackoffMs());
        assertEquals(1_000L, c.retryBackoffMaxMs());
        assertEquals(540_000L, c.connectionsMaxIdleMs());
        assertEquals(300_000L, c.metadataMaxAgeMs());
        assertEquals(10_000L, c.socketConnectionSetupTimeoutMs());
        assertEquals(5, c.maxInFlightRequestsPerConnection());
        assertEquals(-1, c.receiveBufferBytes());
        assertEquals(-1, c.sendBufferBytes());
        assertEquals(100 * 1024 * 1024, c.maxResponseBytes());
        assertEquals(1_000, c.maxQueuedRequestsPerConnection());
    }

    @Test
    void bootstrapServersAreRequired() {
        ConfigException e = assertThrows(ConfigException.class, () -> ClientConfig.from(Map.of()));
        assertTrue(e.getMessage().contains(ClientConfig.BOOTSTRAP_SERVERS), e.getMessage());
    }

    @Test
    void bootstrapServersParseHostsPortsAndBracketedIpv6() {
        ClientConfig c = ClientConfig.from(Map.of("bootstrap.servers", "a.example:9092, 10.0.0.1:19092,[::1]:9093"));

        assertEquals(List.of(
            InetSocketAddress.createUnresolved("a.example", 9092),
            InetSocketAddress.createUnresolved("10.0.0.1", 19092),
            InetSocketAddress.createUnresolved("::1", 9093)), c.bootstrapAddresses());
    }

    @Test
    void malformedBootstrapServersAreRefused() {
        for (String bad : List.of("", " , ", "host", "host:", ":9092", "host:x", "host:0", "host:65536")) {
            assertThrows(ConfigException.class, () -> ClientConfig.from(Map.of("bootstrap.servers", bad)), bad);
        }
    }

    @Test
    void typedAndStringValuesAreAccepted() {
        ClientConfig c = ClientConfig.from(Map.of(
            "bootstrap.servers", List.of("b1:9092", "b2:9092"),
            "client.id", "orders-app",
            "request.timeout.ms", 5_000,
            "max.in.flight.requests.per.connection", "1",
            "reconnect.backoff.max.ms", 10_000L,
            "max.response.bytes", "2048",
            "acks", "all"));

        assertEquals(2, c.bootstrapAddresses().size());
        assertEquals("orders-app", c.clientId());
        assertEquals(5_000, c.requestTimeoutMs());
        assertEquals(1, c.maxInFlightRequestsPerConnection());
        assertEquals(10_000L, c.reconnectBackoffMaxMs());
        assertEquals(2048, c.maxResponseBytes());
    }

    @Test
    void outOfRangeValuesAreRefused() {
        assertInvalid(ClientConfig.REQUEST_TIMEOUT_MS, "0");
        assertInvalid(ClientConfig.RECONNECT_BACKOFF_MS, "-1");
        assertInvalid(ClientConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "0");
        assertInvalid(ClientConfig.RECEIVE_BUFFER_BYTES, "-2");
        assertInvalid(ClientConfig.MAX_RESPONSE_BYTES, "1023");
        assertInvalid(ClientConfig.MAX_QUEUED_REQUESTS_PER_CONNECTION, "-1");
        assertInvalid(ClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS, "0");
    }

    private static void assertInvalid(String property, Object value) {
        ConfigException e = assertThrows(ConfigException.class,
            () -> ClientConfig.from(Map.of("bootstrap.servers", "h:1", property, value)));
        assertTrue(e.getMessage().contains(property), e.getMessage());
    }
}
