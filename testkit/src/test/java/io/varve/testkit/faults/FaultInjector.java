package io.varve.testkit.faults;

import io.varve.testkit.faults.FaultSchedule.Fault;
import io.varve.testkit.faults.checker.CommitHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Injects one {@link Fault} into a {@link ProcessCluster} and recovers from it: restarts what it
 * stopped, resumes what it froze, then waits (bounded) until every partition of the topic has a live
 * leader again, and (bounded, not required) until every replica is back in sync, so that the next
 * fault starts from a whole cluster. A step that does not happen within its bound fails the run:
 * a cluster that does not come back is a finding too. Not thread-safe: the test thread drives it.
 */
final class FaultInjector implements AutoCloseable {

    /** A restarted node's JVM, the quorum, registrations and leader elections, on a loaded machine. */
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(90);
    /** Followers of a restarted node catching up; not required, only waited for. */
    static final Duration IN_SYNC_BOUND = Duration.ofSeconds(30);
    /** The consumer group whose commits {@link FaultKind#COORDINATOR_KILL} checks. */
    static final String GROUP = "checked-group";
    private static final int MEMBERS = 3;
    /** Commits acknowledged before the coordinator's node is killed, and again after it restarted. */
    private static final int COMMITS_AROUND_KILL = 20;

    private final ProcessCluster cluster;
    private final String topic;
    private final int partitions;
    private final Duration sessionTimeout;
    private final CommitHistory commits;
    private final String diskFullFs;
    private final Admin admin;
    private final long startNs = System.nanoTime();
    private int notBackInSync;
    private final List<String> problems = new ArrayList<>();

    /**
     * @param diskFullFs the file system {@link FaultKind#DISK_FULL} mounts: {@code ext4} (an image on a
     *                   loop device) or {@code tmpfs}
     */
    FaultInjector(ProcessCluster cluster, String topic, int partitions, Duration sessionTimeout, CommitHistory commits,
                  String diskFullFs) {
        this.cluster = cluster;
        this.diskFullFs = diskFullFs;
        this.topic = topic;
        this.partitions = partitions;
        this.sessionTimeout = sessionTimeout;
        this.commits = commits;
        this.admin = cluster.admin();
    }

    /** How many faults left some replica out of sync beyond {@link #IN_SYNC_BOUND}. */
    int notBackInSync() {
        return notBackInSync;
    }

    /** What went wrong without stopping the run (a node that would not run on a full disk); empty if nothing. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    /** Injects {@code fault}, recovers, and returns what was done. */
    String inject(Fault fault) throws Exception {
        Random targets = fault.targets();
        log("fault " + fault.number() + ": " + fault.kind() + " (" + fault.kind().description() + ")");
        String what = switch (fault.kind()) {
            case LEADER_KILL -> killLeader();
            case CONTROLLER_KILL -> killController();
            case PAUSE_PAST_SESSION -> pausePastSession(targets);
            case TWO_NODES_KILL -> killTwo(targets);
            case CLUSTER_KILL -> killAll();
            case CLUSTER_TERMINATE -> terminateAll();
            case ZEROED_TAIL, FLIPPED_BYTE, DELETED_INDEX -> damage(fault.kind(), targets);
            case COORDINATOR_KILL -> killCoordinator(targets);
            case DISK_FULL -> diskFull(targets);
        };
        long recovered = System.nanoTime();
        awaitLeaders("after fault " + fault.number() + " (" + fault.kind() + ")");
        String inSync = awaitInSync();
        String done = what + "; leaders back in " + ms(recovered) + " ms" + inSync;
        log("fault " + fault.number() + " done: " + done);
        return done;
    }

    private String killLeader() throws Exception {
        Map<Integer, TopicPartitionInfo> before = awaitLeaders("before killing a leader");
        Map<Integer, Long> led = before.values().stream()
            .collect(Collectors.groupingBy(p -> p.leader().id(), TreeMap::new, Collectors.counting()));
        int victim = led.entrySet().stream().max(Map.Entry.<Integer, Long>comparingByValue()
            .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder()))).orElseThrow().getKey();
        long t = System.nanoTime();
        cluster.node(victim).kill();
        String moved = awaitLeadersElsewhere(victim);
        restart(Set.of(victim));
        return "SIGKILL node " + victim + " (leader of " + led.get(victim) + " of " + partitions + " partitions), "
            + moved + " after " + ms(t) + " ms, restarted";
    }

    private String killController() throws Exception {
        int controller = cluster.awaitController(admin, Set.of(), RECOVERY_BOUND);
        long t = System.nanoTime();
        cluster.node(controller).kill();
        int next = cluster.awaitController(admin, Set.of(controller), RECOVERY_BOUND);
        String elected = "node " + next + " active after " + ms(t) + " ms";
        restart(Set.of(controller));
        return "SIGKILL active controller " + controller + ", " + elected + ", restarted";
    }

    private String pausePastSession(Random targets) throws Exception {
        int node = 1 + targets.nextInt(cluster.size());
        long minFrozenMs = sessionTimeout.toMillis() * 3 / 2 + targets.nextInt((int) sessionTimeout.toMillis());
        long t = System.nanoTime();
        String moved;
        cluster.node(node).pause();
        try {
            Thread.sleep(minFrozenMs); // the fault itself: frozen past the lease
            moved = awaitLeadersElsewhere(node);
        } finally {
            cluster.node(node).resume();
        }
        return "SIGSTOP node " + node + " for " + ms(t) + " ms (session timeout " + sessionTimeout.toMillis()
            + " ms), " + moved + ", SIGCONT";
    }

    private String killTwo(Random targets) throws Exception {
        int a = 1 + targets.nextInt(cluster.size());
        int b = 1 + (a - 1 + 1 + targets.nextInt(cluster.size() - 1)) % cluster.size();
        long downMs = 500 + targets.nextInt(3000);
        cluster.node(a).kill();
        cluster.node(b).kill();
        Thread.sleep(downMs); // the fault itself: both down for a while
        restart(Set.of(a, b));
        return "SIGKILL nodes " + a + " and " + b + ", down " + downMs + " ms, restarted";
    }

    private String killAll() throws Exception {
        for (int id = 1; id <= cluster.size(); id++) {
            cluster.node(id).kill();
        }
        restart(allNodes());
        return "SIGKILL every node, restarted";
    }

    private String terminateAll() throws Exception {
        ExecutorService stopping = Executors.newFixedThreadPool(cluster.size());
        List<Integer> exits = new ArrayList<>();
        try {
            List<Future<Integer>> pending = new ArrayList<>();
            for (int id = 1; id <= cluster.size(); id++) {
                pending.add(stopping.submit(cluster.node(id)::terminate));
            }
            for (Future<Integer> exit : pending) {
                exits.add(exit.get(2, TimeUnit.MINUTES)); // terminate() itself is bounded
            }
        } finally {
            stopping.shutdownNow();
        }
        for (int id = 1; id <= cluster.size(); id++) {
            if (exits.get(id - 1) != 0) {
                throw new AssertionError("node " + id + " exited with " + exits.get(id - 1) + " on SIGTERM; its output ends with:\n"
                    + ProcessCluster.tail(cluster.node(id), 20_000));
            }
        }
        restart(allNodes());
        return "SIGTERM every node (exit codes " + exits + "), restarted";
    }

    private String damage(FaultKind kind, Random targets) throws Exception {
        int node = 1 + targets.nextInt(cluster.size());
        int partition = targets.nextInt(partitions);
        cluster.node(node).kill();
        java.nio.file.Path data = cluster.node(node).dataDir();
        String damage = switch (kind) {
            case ZEROED_TAIL -> DataDirDamage.zeroTail(data, topic, partitions, partition, targets);
            case FLIPPED_BYTE -> DataDirDamage.flipByte(data, topic, partitions, partition, targets);
            case DELETED_INDEX -> DataDirDamage.deleteIndex(data, topic, partition, targets);
            default -> throw new IllegalStateException(kind.toString());
        };
        log("  node " + node + ": " + damage);
        restart(Set.of(node));
        return "SIGKILL node " + node + ", " + damage + ", restarted";
    }

    private String diskFull(Random targets) throws Exception {
        String unavailable = DiskFullFault.unavailable();
        if (unavailable != null) {
            log("  skipped: " + unavailable);
            return "skipped (" + unavailable + ")";
        }
        int node = 1 + targets.nextInt(cluster.size());
        DiskFullFault.Outcome outcome = DiskFullFault.inject(cluster.node(node), node, diskFullFs);
        if (outcome.problem()) {
            problems.add("DISK_FULL: " + outcome.description());
        }
        return outcome.description();
    }

    private String killCoordinator(Random targets) throws Exception {
        GroupCommitters members = new GroupCommitters(cluster.bootstrap(), topic, GROUP, MEMBERS, commits);
        members.start();
        try {
            ConsumerGroupDescription group = awaitGroupOfAllMembers();
            int atStart = commits.commits();
            awaitCommits(atStart + COMMITS_AROUND_KILL, "before the coordinator is killed");
            int coordinator = group.coordinator().id();
            long downMs = 500 + targets.nextInt(2500);
            int atKill = commits.commits();
            cluster.node(coordinator).kill();
            Thread.sleep(downMs); // the fault itself: members look for the coordinator while it is down
            restart(Set.of(coordinator));
            int atRestart = commits.commits();
            awaitCommits(atRestart + COMMITS_AROUND_KILL, "after the coordinator's node restarted");
            return "SIGKILL node " + coordinator + " (coordinator of " + GROUP + ", " + group.members().size()
                + " members, " + (atKill - atStart) + " commits acknowledged before), down " + downMs + " ms, restarted; "
                + (commits.commits() - atKill) + " commits acknowledged since the kill";
        } finally {
            members.stop(Duration.ofSeconds(30));
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<Integer, Long> offsets = new TreeMap<>();
            committed.forEach((tp, o) -> offsets.put(tp.partition(), o.offset()));
            commits.onFinal(offsets);
            log("  group " + GROUP + ": " + commits + "; committed now " + offsets);
        }
    }

    /** Polls DescribeGroups (bounded) until all {@link #MEMBERS} members are in the group with partitions assigned. */
    private ConsumerGroupDescription awaitGroupOfAllMembers() throws Exception {
        long deadline = System.nanoTime() + RECOVERY_BOUND.toNanos();
        Object last = "nothing";
        while (System.nanoTime() - deadline < 0) {
            try {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP)
                    .get(10, TimeUnit.SECONDS);
                if (group.members().size() == MEMBERS
                    && group.members().stream().noneMatch(m -> m.assignment().topicPartitions().isEmpty())) {
                    return group;
                }
                last = group;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                last = e;
            }
            Thread.sleep(200); // integration test: bounded polling of a real cluster
        }
        throw new AssertionError("the " + MEMBERS + " members of " + GROUP + " not all assigned within " + RECOVERY_BOUND
            + "; last: " + last + cluster.logTails(3000));
    }

    /** Waits (bounded) until the group has at least {@code count} acknowledged commits in all. */
    private void awaitCommits(int count, String when) throws InterruptedException {
        long deadline = System.nanoTime() + RECOVERY_BOUND.toNanos();
        while (commits.commits() < count) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not " + count + " commits acknowledged " + when + " within " + RECOVERY_BOUND
                    + ": " + commits + cluster.logTails(3000));
            }
            Thread.sleep(100); // integration test: bounded polling of a real cluster
        }
    }

    /** Starts the nodes {@code ids} again on their data directories and ports. */
    private void restart(Set<Integer> ids) throws Exception {
        for (int id : new java.util.TreeSet<>(ids)) {
            cluster.node(id).start(); // returns once the client port listens; the quorum forms as the others come up
        }
    }

    private Set<Integer> allNodes() {
        return IntStream.rangeClosed(1, cluster.size()).boxed().collect(Collectors.toSet());
    }

    /** Every partition led by a live node. */
    private Map<Integer, TopicPartitionInfo> awaitLeaders(String when) throws Exception {
        return cluster.awaitPartitions(admin, topic, partitions,
            p -> p.leader() != null && p.leader().id() >= 1 && cluster.node(p.leader().id()).isAlive(),
            RECOVERY_BOUND, "a live leader for every partition " + when);
    }

    /** Waits (bounded) until no partition is led by {@code down}: it was fenced and leadership moved. */
    private String awaitLeadersElsewhere(int down) throws Exception {
        try {
            cluster.awaitPartitions(admin, topic, partitions, p -> p.leader() != null && p.leader().id() != down,
                Duration.ofMillis(5 * sessionTimeout.toMillis()), "leadership moved off node " + down);
            return "leadership moved";
        } catch (AssertionError e) {
            return "leadership NOT moved within " + 5 * sessionTimeout.toMillis() + " ms";
        }
    }

    private String awaitInSync() throws Exception {
        long t = System.nanoTime();
        try {
            cluster.awaitPartitions(admin, topic, partitions, p -> p.isr().size() == p.replicas().size(),
                IN_SYNC_BOUND, "every replica in sync");
            return ", in sync " + ms(t) + " ms later";
        } catch (AssertionError e) {
            notBackInSync++;
            return ", some replica NOT back in sync within " + IN_SYNC_BOUND.toSeconds() + " s";
        }
    }

    private static long ms(long sinceNs) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNs);
    }

    void log(String line) {
        System.out.printf("[fault suite +%5.1fs] %s%n", (System.nanoTime() - startNs) / 1e9, line);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
    }
}
