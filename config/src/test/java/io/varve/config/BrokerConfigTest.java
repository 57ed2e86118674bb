package io.varve.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.config.BrokerConfig.Role;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {

    @Test
    void defaultsAreACombinedNodeOnLoopbackWithKafkasLimits() {
        BrokerConfig c = BrokerConfig.defaults();

        assertEquals(1, c.nodeId());
        assertEquals(Set.of(Role.BROKER, Role.CONTROLLER), c.processRoles());
        assertEquals(List.of(new Listener("PLAINTEXT", "127.0.0.1", 9092)), c.listeners());
        assertEquals(c.listeners(), c.advertisedListeners());
        assertEquals(List.of(), c.controllerListenerNames());
        assertEquals(104_857_600, c.socketRequestMaxBytes());
        assertEquals(1000, c.maxConnections());
        assertEquals(Integer.MAX_VALUE, c.maxConnectionsPerIp(), "Kafka's default: no per-address limit");
        assertEquals(Map.of(), c.maxConnectionsPerIpOverrides());
        assertEquals(10_000L, c.connectionsFirstRequestTimeoutMs());
        assertEquals(512L * 1024 * 1024, c.queuedMaxRequestBytes(), "bounded, unlike Kafka's -1");
        assertEquals(32, c.connectionMaxInflightRequests());
        assertEquals(600_000L, c.connectionsMaxIdleMs());
        assertEquals(0, c.numNetworkThreads());
        assertTrue(c.autoCreateTopicsEnable());
        assertEquals(57_671_680, c.fetchMaxBytes());
    }

    @Test
    void parsesListenersWithPortZeroEmptyHostAndIpv6() {
        BrokerConfig c = BrokerConfig.from(Map.of(
            "listeners", "PLAINTEXT://:0, controller://[::1]:9093,INTERNAL://broker-1.local:19092",
            "controller.listener.names", "CONTROLLER"));

        assertEquals(List.of(new Listener("PLAINTEXT", "", 0), new Listener("CONTROLLER", "::1", 9093),
            new Listener("INTERNAL", "broker-1.local", 19092)), c.listeners());
        assertEquals(List.of("CONTROLLER"), c.controllerListenerNames());
        assertEquals(List.of(new Listener("PLAINTEXT", "", 0), new Listener("INTERNAL", "broker-1.local", 19092)),
            c.advertisedListeners(), "controller listeners are never advertised");
        assertEquals("CONTROLLER://[::1]:9093", c.listeners().get(1).toString());
    }

    @Test
    void parsesPerAddressConnectionLimitsAsKafkaDoes() {
        BrokerConfig c = BrokerConfig.from(Map.of("max.connections.per.ip", "0",
            "max.connections.per.ip.overrides", "127.0.0.1:200, broker-2.example.com:0,::1:7"));

        assertEquals(0, c.maxConnectionsPerIp());
        assertEquals(Map.of("127.0.0.1", 200, "broker-2.example.com", 0, "::1", 7), c.maxConnectionsPerIpOverrides());
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("max.connections.per.ip", "0")),
            "0 with no override would refuse everyone");
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("max.connections.per.ip.overrides", "h")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("max.connections.per.ip.overrides", "h:-1")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("max.connections.per.ip.overrides", ":5")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("max.connections.per.ip.overrides", "h:1,h:2")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("max.connections.per.ip", "-1")));
    }

    @Test
    void queuedRequestBytesIsUnboundedAtMinusOneAndOtherwisePositive() {
        assertEquals(-1L, BrokerConfig.from(Map.of("queued.max.request.bytes", "-1")).queuedMaxRequestBytes());
        assertEquals(1L, BrokerConfig.from(Map.of("queued.max.request.bytes", "1")).queuedMaxRequestBytes());
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("queued.max.request.bytes", "0")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("queued.max.request.bytes", "-2")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("connections.first.request.timeout.ms", "0")));
    }

    @Test
    void advertisedListenersOverrideTheBoundOnes() {
        BrokerConfig c = BrokerConfig.from(Map.of(
            "listeners", "PLAINTEXT://0.0.0.0:9092",
            "advertised.listeners", "PLAINTEXT://kafka.example.com:9092"));

        assertEquals(List.of(new Listener("PLAINTEXT", "kafka.example.com", 9092)), c.advertisedListeners());
    }

    @Test
    void refusesMalformedOrInconsistentListeners() {
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("listeners", "localhost:9092")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("listeners", "PLAINTEXT://h:70000")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("listeners", "PLAINTEXT://h:-1")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("listeners", "")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("listeners", "A://h:1,a://h:2")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("controller.listener.names", "CONTROLLER")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("advertised.listeners", "OTHER://h:1")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of(
            "listeners", "PLAINTEXT://h:1,CONTROLLER://h:2", "controller.listener.names", "CONTROLLER",
            "advertised.listeners", "CONTROLLER://h:2")));
    }

    @Test
    void refusesUnknownOrRepeatedRolesAndOutOfRangeLimits() {
        assertEquals(Set.of(Role.BROKER), BrokerConfig.from(Map.of("process.roles", "broker")).processRoles());
        assertFalse(BrokerConfig.from(Map.of("process.roles", "broker")).hasRole(Role.CONTROLLER));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("process.roles", "zookeeper")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("process.roles", "broker,broker")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("process.roles", "")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("socket.request.max.bytes", "63")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("max.connections", "0")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("connection.max.inflight.requests", "0")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("connections.max.idle.ms", "0")));
    }
}
