package io.varve.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.raft.log.MetadataSnapshotFiles;
import io.varve.raft.metadata.MetadataImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §1 and §7 tier 5 with separate roles: three controller-only processes form the Raft quorum,
 * three broker-only processes follow the metadata log (State Watch) and serve clients. Through a
 * broker the official Admin creates topics; a broker frozen with SIGSTOP is fenced and its partitions
 * get new leaders, as another broker's Metadata shows; the active controller is killed with SIGKILL
 * and another is elected within the election bound, after which topics can still be created. With a
 * small {@code metadata.snapshot.every.records} the controllers snapshot their log (Low-Water Mark),
 * and the killed controller, restarted behind the leader's log start, catches up through the
 * leader's snapshot, which holds every topic created before it.
 */
class SeparateRolesFailoverTest {

    private static final int CONTROLLERS = 3;
    private static final int BROKERS = 3;
    private static final int ELECTION_TIMEOUT_MS = 1000;
    /** Election: up to two timeouts for the pre-vote and vote, plus process scheduling on a loaded machine. */
    private static final Duration ELECTION_BOUND = Duration.ofMillis(10L * ELECTION_TIMEOUT_MS);
    private static final int SESSION_TIMEOUT_MS = 3000;
    /** Fencing: the lease, the controller's timer, the commit and State Watch, with room for a loaded machine. */
    private static final Duration FENCING_BOUND = Duration.ofMillis(5L * SESSION_TIMEOUT_MS);
    private static final Duration STEP_BOUND = Duration.ofSeconds(60);
    private static final Pattern ACTIVE = Pattern.compile("became the active controller in term (\\d+)");

    @TempDir
    Path dir;

    @Test
    void brokersOutliveAFrozenPeerAndAKilledControllerAndALaggingControllerCatchesUpThroughASnapshot() throws Exception {
        List<VarveProcess> controllers = new ArrayList<>();
        List<VarveProcess> brokers = new ArrayList<>();
        try {
            int[] controllerPorts = new int[CONTROLLERS];
            for (int i = 0; i < CONTROLLERS; i++) {
                controllerPorts[i] = VarveProcess.freePort();
            }
            String voters = VarveProcess.voters(controllerPorts);
            for (int i = 0; i < CONTROLLERS; i++) {
                Map<String, String> props = common(i + 1, voters);
                props.put("process.roles", "controller");
                props.put("listeners", "CONTROLLER://127.0.0.1:" + controllerPorts[i]);
                props.put("controller.listener.names", "CONTROLLER");
                props.put("metadata.snapshot.every.records", "20");
                controllers.add(new VarveProcess(dir.resolve("controller-" + (i + 1)), controllerPorts[i], props));
            }
            for (VarveProcess c : controllers) {
                c.start();
            }
            int[] brokerPorts = new int[BROKERS];
            for (int i = 0; i < BROKERS; i++) {
                brokerPorts[i] = VarveProcess.freePort();
                Map<String, String> props = common(101 + i, voters);
                props.put("process.roles", "broker");
                VarveProcess b = new VarveProcess(dir.resolve("broker-" + (101 + i)), brokerPorts[i], props);
                brokers.add(b);
                b.start();
            }

            int frozen = 101;
            String others = IntStream.range(1, BROKERS).mapToObj(i -> "127.0.0.1:" + brokerPorts[i]).collect(Collectors.joining(","));
            try (Admin admin = admin("127.0.0.1:" + brokerPorts[0])) {
                awaitBrokers(admin, BROKERS);
                admin.createTopics(List.of(new NewTopic("before", 3, (short) 1), new NewTopic("replicated", 6, (short) 3)))
                    .all().get(60, TimeUnit.SECONDS);
            }
            try (Admin admin = admin(others)) {
                Set<Integer> leaders = awaitLeaders(admin, "replicated", l -> !l.contains(-1), STEP_BOUND);
                assertTrue(leaders.contains(frozen), "broker " + frozen + " leads some partition at first: " + leaders);
                brokers.get(0).pause();
                leaders = awaitLeaders(admin, "replicated", l -> !l.contains(frozen) && !l.contains(-1), FENCING_BOUND);
                assertFalse(leaders.contains(frozen), "broker " + frozen + " was fenced and its partitions moved: " + leaders);
                brokers.get(0).resume();
            }

            int first = awaitActive(controllers, 0, STEP_BOUND);
            int firstTerm = activeTerm(controllers.get(first - 1));
            controllers.get(first - 1).kill();
            int second = awaitActive(controllers, firstTerm, ELECTION_BOUND);
            assertTrue(second != first, "controller " + second + " took over from " + first);

            List<NewTopic> many = IntStream.range(0, 30).mapToObj(i -> new NewTopic("many-" + i, 1, (short) 1)).toList();
            try (Admin admin = admin(others)) {
                admin.createTopics(List.of(new NewTopic("after", 3, (short) 2))).all().get(60, TimeUnit.SECONDS);
                admin.createTopics(many).all().get(60, TimeUnit.SECONDS);
                Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertTrue(names.containsAll(Set.of("before", "replicated", "after", "many-29")), names.toString());
            }
            VarveProcess leader = controllers.get(second - 1);
            assertTrue(leader.output().contains("took metadata snapshot"), "the active controller snapshotted its log");
            assertFalse(snapshots(dir.resolve("controller-" + second)).isEmpty());

            // The killed controller restarts behind the leader's log start: it installs the leader's snapshot.
            VarveProcess lagging = controllers.get(first - 1);
            lagging.start();
            long deadline = System.nanoTime() + STEP_BOUND.toNanos();
            while (!lagging.output().contains("installed the leader's metadata snapshot") && System.nanoTime() - deadline < 0) {
                Thread.sleep(100); // integration test: bounded polling of a real cluster
            }
            assertTrue(lagging.output().contains("installed the leader's metadata snapshot"), tail(lagging));
            List<Path> files = snapshots(dir.resolve("controller-" + first));
            MetadataImage image = MetadataSnapshotFiles.read(files.get(files.size() - 1)).image();
            assertTrue(image.topicsByName().keySet().containsAll(Set.of("before", "replicated", "after")),
                image.topicsByName().keySet().toString());
            assertEquals(BROKERS, image.brokers().size(), "the snapshot holds the brokers' registrations");
        } finally {
            for (VarveProcess p : brokers) {
                p.close();
            }
            for (VarveProcess p : controllers) {
                p.close();
            }
        }
    }

    private static Map<String, String> common(int nodeId, String voters) {
        Map<String, String> props = new HashMap<>();
        props.put("node.id", Integer.toString(nodeId));
        props.put("controller.quorum.voters", voters);
        props.put("controller.quorum.election.timeout.ms", Integer.toString(ELECTION_TIMEOUT_MS));
        props.put("controller.quorum.heartbeat.interval.ms", "100");
        props.put("broker.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS));
        props.put("broker.heartbeat.interval.ms", "500");
        return props;
    }

    private static List<Path> snapshots(Path nodeDir) throws IOException {
        try (Stream<Path> s = Files.walk(nodeDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(MetadataSnapshotFiles.SUFFIX)).sorted().toList();
        }
    }

    /** The highest term in which {@code node} said it became the active controller, or 0. */
    private static int activeTerm(VarveProcess node) throws IOException {
        Matcher m = ACTIVE.matcher(node.output());
        int term = 0;
        while (m.find()) {
            term = Math.max(term, Integer.parseInt(m.group(1)));
        }
        return term;
    }

    /** Polls (bounded) the live controllers' logs for one that became active in a term above {@code afterTerm}. */
    private static int awaitActive(List<VarveProcess> controllers, int afterTerm, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() - deadline < 0) {
            int best = -1;
            int bestTerm = afterTerm;
            for (int i = 0; i < controllers.size(); i++) {
                VarveProcess c = controllers.get(i);
                if (c.isAlive() && activeTerm(c) > bestTerm) {
                    bestTerm = activeTerm(c);
                    best = i + 1;
                }
            }
            if (best > 0) {
                return best;
            }
            Thread.sleep(100); // integration test: bounded polling of a real cluster
        }
        throw new AssertionError("no controller became active after term " + afterTerm + " within " + bound);
    }

    private static Admin admin(String bootstrap) {
        return ProcessCluster.admin(bootstrap);
    }

    private static void awaitBrokers(Admin admin, int count) throws Exception {
        long deadline = System.nanoTime() + STEP_BOUND.toNanos();
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

    /** Polls Metadata (bounded) until the leaders of {@code topic}'s partitions (-1: none) satisfy {@code done}. */
    private static Set<Integer> awaitLeaders(Admin admin, String topic, java.util.function.Predicate<Set<Integer>> done,
                                             Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        Set<Integer> leaders = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(3000))
                    .allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
                leaders = d.partitions().stream().map(p -> p.leader() == null ? -1 : p.leader().id()).collect(Collectors.toSet());
                if (done.test(leaders)) {
                    return leaders;
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                leaders = null; // a frozen broker may be asked first: retry
            }
            Thread.sleep(100); // integration test: bounded polling of a real cluster
        }
        throw new AssertionError(topic + " leaders never satisfied the condition within " + bound + "; last: " + leaders);
    }

    private static String tail(VarveProcess p) {
        return ProcessCluster.tail(p, 4000);
    }
}
