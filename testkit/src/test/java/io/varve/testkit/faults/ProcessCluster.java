package io.varve.testkit.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * A cluster of combined nodes (broker and controller) in their own JVMs, ids 1..n, and the bounded
 * polls of its state through the official Admin that the fault tests share: every node registered,
 * a topic's partitions in a given state, a live active controller, and each node's output for a
 * failure message. Not thread-safe: one test thread drives it.
 */
final class ProcessCluster implements AutoCloseable {

    private final List<VarveProcess> nodes = new ArrayList<>();
    private final int[] clientPorts;

    private ProcessCluster(int size) {
        this.clientPorts = new int[size];
    }

    /** The controller election timeout of {@link #fastFailover}. */
    static final int ELECTION_TIMEOUT_MS = 1000;

    /**
     * The timing fault tests run a cluster with: controller elections after 1 s (heartbeats every 100 ms),
     * broker leases of {@code sessionTimeoutMs} (heartbeats every 500 ms), plus {@code extra}.
     */
    static Map<String, String> fastFailover(int sessionTimeoutMs, Map<String, String> extra) {
        Map<String, String> settings = new java.util.HashMap<>(extra);
        settings.put("controller.quorum.election.timeout.ms", Integer.toString(ELECTION_TIMEOUT_MS));
        settings.put("controller.quorum.heartbeat.interval.ms", "100");
        settings.put("broker.session.timeout.ms", Integer.toString(sessionTimeoutMs));
        settings.put("broker.heartbeat.interval.ms", "500");
        return settings;
    }

    /**
     * Starts {@code size} combined nodes under {@code dir} ({@code node-1}, ...) with {@code settings}
     * on each (see {@link VarveProcess#startCombinedCluster}); a failed start stops the nodes started.
     */
    static ProcessCluster startCombined(Path dir, int size, Map<String, String> settings)
        throws IOException, InterruptedException {
        ProcessCluster cluster = new ProcessCluster(size);
        try {
            VarveProcess.startCombinedCluster(dir, cluster.clientPorts, settings, cluster.nodes);
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    int size() {
        return clientPorts.length;
    }

    /** Node {@code id}, 1-based. */
    VarveProcess node(int id) {
        return nodes.get(id - 1);
    }

    int clientPort(int id) {
        return clientPorts[id - 1];
    }

    /** Every node's client listener. */
    String bootstrap() {
        return bootstrap(IntStream.rangeClosed(1, size()));
    }

    /** The client listeners of the nodes {@code ids}. */
    String bootstrap(IntStream ids) {
        return ids.mapToObj(id -> "127.0.0.1:" + clientPorts[id - 1]).collect(Collectors.joining(","));
    }

    /** The client listeners of every node but {@code excluded}. */
    String bootstrapExcept(Set<Integer> excluded) {
        return bootstrap(IntStream.rangeClosed(1, size()).filter(id -> !excluded.contains(id)));
    }

    /** An Admin over every node. */
    Admin admin() {
        return admin(bootstrap());
    }

    /** An Admin with short request timeouts, so that a poll moves on from a node that is down or frozen. */
    static Admin admin(String bootstrap) {
        return Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", "3000",
            "default.api.timeout.ms", "60000", "reconnect.backoff.max.ms", "200"));
    }

    /**
     * Polls DescribeCluster (bounded) until every node is registered: each node's start returns once
     * it listens, but the node that answers may not have applied every registration yet.
     */
    void awaitRegistered(Admin admin, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        int seen = 0;
        while (System.nanoTime() - deadline < 0) {
            try {
                seen = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes().get(5, TimeUnit.SECONDS).size();
                if (seen >= size()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                seen = -1; // a node still starting: the poll retries
            }
            Thread.sleep(100); // integration test: bounded polling of a real cluster
        }
        throw new AssertionError(seen + " of " + size() + " nodes registered within " + bound + logTails(3000));
    }

    /**
     * Polls Metadata (bounded) until the {@code partitions} partitions of {@code topic} all satisfy
     * {@code condition}; a node that is down, frozen or has not applied the topic yet may answer
     * first, which the poll retries. Returns them by partition.
     */
    Map<Integer, TopicPartitionInfo> awaitPartitions(Admin admin, String topic, int partitions,
                                                     Predicate<TopicPartitionInfo> condition, Duration bound,
                                                     String what) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        Object last = "nothing";
        while (System.nanoTime() - deadline < 0) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(3000))
                    .allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
                if (d.partitions().size() == partitions && d.partitions().stream().allMatch(condition)) {
                    return d.partitions().stream().collect(Collectors.toMap(TopicPartitionInfo::partition, p -> p));
                }
                last = d.partitions();
            } catch (ExecutionException | TimeoutException e) {
                last = e;
            }
            Thread.sleep(200); // integration test: bounded polling of a real cluster
        }
        throw new AssertionError(what + ": not within " + bound + "; last: " + last + logTails(3000));
    }

    /**
     * Polls DescribeCluster (bounded) until it names an active controller that is a live node of
     * this cluster and not one of {@code excluded}; returns its id.
     */
    int awaitController(Admin admin, Set<Integer> excluded, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        Object last = "nothing";
        while (System.nanoTime() - deadline < 0) {
            try {
                Node c = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).controller()
                    .get(3, TimeUnit.SECONDS);
                if (c != null && c.id() >= 1 && c.id() <= size() && node(c.id()).isAlive() && !excluded.contains(c.id())) {
                    return c.id();
                }
                last = c;
            } catch (ExecutionException | TimeoutException e) {
                last = e;
            }
            Thread.sleep(100); // integration test: bounded polling of a real cluster
        }
        throw new AssertionError("no live controller outside " + excluded + " within " + bound + "; last: " + last
            + logTails(3000));
    }

    /** The ids of {@code nodes}. */
    static Set<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).collect(Collectors.toSet());
    }

    /** The last {@code chars} characters of every node's output, for a failure message. */
    String logTails(int chars) {
        StringBuilder logs = new StringBuilder();
        for (int id = 1; id <= nodes.size(); id++) {
            logs.append("\n--- node ").append(id).append(" output ends with ---\n").append(tail(node(id), chars));
        }
        return logs.toString();
    }

    /** The last {@code chars} characters of {@code node}'s output. */
    static String tail(VarveProcess node, int chars) {
        try {
            String out = node.output();
            return out.substring(Math.max(0, out.length() - chars));
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    /** Kills every node still running (SIGKILL). */
    @Override
    public void close() throws InterruptedException {
        for (VarveProcess node : nodes) {
            node.close();
        }
    }
}
