package io.varve.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §6 and §7 tier 5: three Varve processes (combined broker and controller nodes) form a Raft
 * quorum over their controller listeners. The official Admin client creates a topic through the
 * active controller; the active controller is killed with SIGKILL; the two survivors elect a new
 * one within a bounded wait, and topics can still be created and are seen by every survivor. Before
 * that, a broker frozen with SIGSTOP stops heartbeating, is fenced when its lease expires, and its
 * partitions get new leaders from their ISR, as Metadata shows; and an idempotent producer that
 * bootstraps from a node that is not the active controller gets a producer id and auto-creates a
 * topic (both forwarded to the active controller).
 * Last, a SIGTERM stops a node after the active controller released it (controlled shutdown).
 */
class RaftClusterFailoverTest {

    private static final int NODES = 3;
    /** Election: up to two timeouts for the pre-vote and vote, plus process scheduling on a loaded machine. */
    private static final Duration ELECTION_BOUND = Duration.ofMillis(10L * ProcessCluster.ELECTION_TIMEOUT_MS);
    private static final Duration STEP_BOUND = Duration.ofSeconds(60);

    private static final int SESSION_TIMEOUT_MS = 3000;
    /** Fencing: the lease, the controller's timer, and the commit, with room for a loaded machine. */
    private static final Duration FENCING_BOUND = Duration.ofMillis(5L * SESSION_TIMEOUT_MS);

    @TempDir
    Path dir;

    @Test
    void aFrozenBrokerIsFencedAndANewControllerTakesOverAfterTheActiveOneIsKilled() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.startCombined(dir, NODES,
                ProcessCluster.fastFailover(SESSION_TIMEOUT_MS, Map.of()))) {
            String all = cluster.bootstrap();
            int first;
            try (Admin admin = admin(all)) {
                first = cluster.awaitController(admin, Set.of(), STEP_BOUND);
                // Each node's start returns once it is registered, but the node that answers may not
                // have applied every registration to its image yet: wait (bounded) until it has.
                long registered = System.nanoTime() + STEP_BOUND.toNanos();
                int seen = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
                while (seen < NODES && System.nanoTime() - registered < 0) {
                    Thread.sleep(100);
                    seen = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
                }
                assertEquals(NODES, seen, "every node registered with the active controller");
                admin.createTopics(List.of(new NewTopic("before-failover", 3, (short) 1))).all().get(60, TimeUnit.SECONDS);
                admin.createTopics(List.of(new NewTopic("replicated", 6, (short) 3))).all().get(60, TimeUnit.SECONDS);
            }

            // A broker that stops heartbeating (SIGSTOP) is fenced and leads nothing once its lease expires.
            int frozen = first == 1 ? 2 : 1;
            String others = cluster.bootstrapExcept(Set.of(frozen));
            try (Admin admin = admin(others)) {
                assertTrue(leaders(admin, "replicated").contains(frozen), "the frozen node leads some partition at first");
                cluster.node(frozen).pause();
                long deadline = System.nanoTime() + FENCING_BOUND.toNanos();
                Set<Integer> leaders = leadersOrNull(admin, "replicated");
                while ((leaders == null || leaders.contains(frozen)) && System.nanoTime() - deadline < 0) {
                    Thread.sleep(100); // integration test: bounded polling of a real cluster
                    leaders = leadersOrNull(admin, "replicated");
                }
                assertTrue(leaders != null && !leaders.contains(frozen) && !leaders.contains(-1),
                    "node " + frozen + " was fenced and its partitions moved within " + FENCING_BOUND + ": " + leaders);
                cluster.node(frozen).resume();
            }

            // An idempotent producer bootstrapped from a node that is not the active controller gets its
            // producer id from a block that node obtained from the active controller (forwarded).
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", "127.0.0.1:" + cluster.clientPort(frozen), "acks", "all", "enable.idempotence", "true",
                "delivery.timeout.ms", "60000", "request.timeout.ms", "5000"), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("before-failover", Integer.toString(i), "v" + i)).get(60, TimeUnit.SECONDS);
                }
                // A topic that does not exist is created through that node too (auto-creation, forwarded).
                producer.send(new ProducerRecord<>("auto-created", "k", "v")).get(60, TimeUnit.SECONDS);
            }

            cluster.node(first).kill();
            String survivors = cluster.bootstrapExcept(Set.of(first));
            try (Admin admin = admin(survivors)) {
                int second = cluster.awaitController(admin, Set.of(first), ELECTION_BOUND);
                assertNotEquals(first, second);
                admin.createTopics(List.of(new NewTopic("after-failover", 3, (short) 1))).all().get(60, TimeUnit.SECONDS);
                Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertTrue(names.containsAll(Set.of("before-failover", "after-failover")), names.toString());

                // SIGTERM on the survivor that is not the controller: a controlled shutdown, then a clean exit.
                int last = 1 + 2 + 3 - first - second; // the third node id
                VarveProcess leaving = cluster.node(last);
                int exit = leaving.terminate();
                assertEquals(0, exit, () -> "exit code of a SIGTERM stop; the node's output ends with:\n"
                    + tail(leaving));
                assertTrue(leaving.output().contains("Controlled shutdown of node " + last + ": released by the controller"),
                    "node " + last + " was released by the active controller before it stopped");
            }
        }
    }

    /** The leader of every partition of {@code topic}, by Metadata (-1 for none). */
    private static Set<Integer> leaders(Admin admin, String topic) throws Exception {
        TopicDescription d = Topics.describe(admin, topic, STEP_BOUND);
        return d.partitions().stream().map(p -> p.leader() == null ? -1 : p.leader().id()).collect(Collectors.toSet());
    }

    /**
     * {@link #leaders}, or null when the attempt failed: while a node is frozen the client may ask it
     * first and time out, which a poll simply retries.
     */
    private static Set<Integer> leadersOrNull(Admin admin, String topic) throws InterruptedException {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(3000))
                .allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
            return d.partitions().stream().map(p -> p.leader() == null ? -1 : p.leader().id()).collect(Collectors.toSet());
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        }
    }

    private static String tail(VarveProcess p) {
        return ProcessCluster.tail(p, 20_000);
    }

    private static Admin admin(String bootstrap) {
        return ProcessCluster.admin(bootstrap);
    }
}
