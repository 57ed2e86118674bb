package io.varve.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.config.BrokerConfig;
import io.varve.config.ConfigException;
import io.varve.config.ControllerQuorumConfig;
import io.varve.config.MetricsConfig;
import io.varve.config.StorageConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Separate roles in one JVM: three controller-only voters and two broker-only nodes that follow the
 * metadata log (State Watch). The official Admin creates a topic through one broker; the other broker
 * serves it, with leaders among the brokers only. And the role rules a node is checked against at start.
 */
class SeparateRolesTest {

    private static final int CONTROLLERS = 3;
    private static final int BROKERS = 2;

    @TempDir
    Path dir;

    private final List<VarveNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }

    @Test
    void brokersFollowTheControllersAndServeATopicCreatedThroughEitherOfThem() throws Exception {
        StringBuilder voters = new StringBuilder();
        int[] controllerPorts = new int[CONTROLLERS];
        for (int i = 0; i < CONTROLLERS; i++) {
            controllerPorts[i] = freePort();
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(controllerPorts[i]);
        }
        for (int i = 0; i < CONTROLLERS; i++) {
            Map<String, Object> props = common(i + 1, voters.toString());
            props.put(BrokerConfig.PROCESS_ROLES, "controller");
            props.put(BrokerConfig.LISTENERS, "CONTROLLER://127.0.0.1:" + controllerPorts[i]);
            props.put(BrokerConfig.CONTROLLER_LISTENER_NAMES, "CONTROLLER");
            nodes.add(VarveNode.start(stringify(props)));
        }
        List<Integer> brokerPorts = new ArrayList<>();
        for (int i = 0; i < BROKERS; i++) {
            Map<String, Object> props = common(100 + i, voters.toString());
            props.put(BrokerConfig.PROCESS_ROLES, "broker");
            props.put(BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0");
            VarveNode broker = VarveNode.start(stringify(props));
            nodes.add(broker);
            brokerPorts.add(broker.clientPort());
        }

        try (Admin first = admin(brokerPorts.get(0)); Admin second = admin(brokerPorts.get(1))) {
            awaitBrokers(first, BROKERS);
            first.createTopics(List.of(new NewTopic("split", 4, (short) 2))).all().get(60, TimeUnit.SECONDS);
            TopicDescription d = awaitTopic(second, "split");
            assertEquals(4, d.partitions().size());
            d.partitions().forEach(p -> assertTrue(p.leader() != null && p.leader().id() >= 100,
                "leaders are brokers, never controller-only nodes: " + p));
            second.createTopics(List.of(new NewTopic("through-the-other", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            assertEquals(1, awaitTopic(first, "through-the-other").partitions().size());
        }
    }

    @Test
    void rolesAreCheckedAgainstTheVoters() {
        ControllerQuorumConfig quorum = ControllerQuorumConfig.from(Map.of(ControllerQuorumConfig.VOTERS, "1@127.0.0.1:9093"));
        ControllerQuorumConfig alone = ControllerQuorumConfig.from(Map.of());
        assertThrows(ConfigException.class, () -> ProcessRoles.check(config(7, "broker", "PLAINTEXT://127.0.0.1:0", ""), alone),
            "a cluster of one needs both roles");
        assertThrows(ConfigException.class, () -> ProcessRoles.check(config(2, "controller", "CONTROLLER://127.0.0.1:0", "CONTROLLER"), quorum),
            "a controller that is not a voter");
        assertThrows(ConfigException.class, () -> ProcessRoles.check(config(1, "broker", "PLAINTEXT://127.0.0.1:0", ""), quorum),
            "a voter without the controller role");
        assertThrows(ConfigException.class, () -> ProcessRoles.check(
            config(1, "controller", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0", "CONTROLLER"), quorum),
            "a controller-only node binds no client listener");
        assertThrows(ConfigException.class, () -> ProcessRoles.check(
            config(2, "broker", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0", "CONTROLLER"), quorum),
            "a broker-only node serves no controller listener");
        ProcessRoles.check(config(1, "controller", "CONTROLLER://127.0.0.1:0", "CONTROLLER"), quorum);
        ProcessRoles.check(config(2, "broker", "PLAINTEXT://127.0.0.1:0", ""), quorum);
        ProcessRoles.check(config(1, "broker,controller", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0", "CONTROLLER"), quorum);
        ProcessRoles.check(config(7, "broker,controller", "PLAINTEXT://127.0.0.1:0", ""), alone);
    }

    private static BrokerConfig config(int nodeId, String roles, String listeners, String controllerListeners) {
        Map<String, Object> props = new HashMap<>(Map.of(BrokerConfig.NODE_ID, nodeId, BrokerConfig.PROCESS_ROLES, roles,
            BrokerConfig.LISTENERS, listeners));
        if (!controllerListeners.isEmpty()) {
            props.put(BrokerConfig.CONTROLLER_LISTENER_NAMES, controllerListeners);
        }
        return BrokerConfig.from(props);
    }

    private Map<String, Object> common(int nodeId, String voters) {
        Map<String, Object> props = new HashMap<>();
        props.put(BrokerConfig.NODE_ID, nodeId);
        props.put(StorageConfig.LOG_DIRS, dir.resolve("node-" + nodeId).toString());
        props.put(ControllerQuorumConfig.VOTERS, voters);
        props.put(ControllerQuorumConfig.ELECTION_TIMEOUT_MS, 1000);
        props.put(ControllerQuorumConfig.HEARTBEAT_INTERVAL_MS, 100);
        props.put(ControllerQuorumConfig.BROKER_HEARTBEAT_INTERVAL_MS, 500);
        props.put(MetricsConfig.METRICS_ENABLE, false);
        return props;
    }

    private static Map<String, String> stringify(Map<String, Object> props) {
        Map<String, String> out = new HashMap<>();
        props.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    private static Admin admin(int port) {
        return Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + port, "request.timeout.ms", "5000",
            "default.api.timeout.ms", "60000"));
    }

    /** Polls (bounded) until {@code count} brokers are registered and unfenced. */
    private static void awaitBrokers(Admin admin, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int seen = 0;
        while (System.nanoTime() - deadline < 0) {
            seen = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            if (seen >= count) {
                return;
            }
            Thread.sleep(100); // integration test: bounded polling of a real cluster
        }
        throw new AssertionError(seen + " of " + count + " brokers registered");
    }

    /** Polls (bounded) until {@code topic} is known, with a leader for every partition. */
    private static TopicDescription awaitTopic(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Exception last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
                if (d.partitions().stream().allMatch(p -> p.leader() != null)) {
                    return d;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                last = e;
            }
            Thread.sleep(100); // integration test: bounded polling of a real cluster
        }
        throw new AssertionError(topic + " not served within 60 s", last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
