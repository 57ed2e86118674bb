package io.varve.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.testkit.faults.FaultSchedule.Fault;
import io.varve.testkit.faults.checker.CheckReport;
import io.varve.testkit.faults.checker.CheckReport.Kind;
import io.varve.testkit.faults.checker.Checker;
import io.varve.testkit.faults.checker.CommitHistory;
import io.varve.testkit.faults.checker.History;
import io.varve.testkit.faults.checker.ReadBack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §7 tier 5: a seeded schedule of faults over three real combined nodes while a workload
 * writes unique values with the official idempotent producer ({@code acks=all}) to a topic of 6
 * partitions, replication factor 3, {@code min.insync.replicas=2}; then an independent
 * {@link Checker} reads every partition back and finds no acknowledged record lost, duplicated,
 * reordered or moved, and no committed offset of a consumer group gone back.
 *
 * <p>{@code mvn verify} runs a short schedule: {@value #DEFAULT_COUNT} faults, the kinds in a
 * seeded order, with a fresh seed each run (printed, with the command that replays it). A long run
 * is chosen with system properties, for example
 * {@code -Dvarve.faults.seed=42 -Dvarve.faults.count=40 -Dvarve.faults.minutes=20}; see
 * {@code docs/correctness.md}. Properties: {@code varve.faults.seed}, {@code .count}, {@code .minutes}
 * (the bound of the whole fault phase), {@code .pause.ms} (mean pause between faults), {@code .kinds}
 * (comma-separated {@link FaultKind} names), {@code .rate} (records per second), {@code .dir} (keep the
 * nodes' directories and outputs there instead of a temporary directory), {@code .diskfull.fs}
 * ({@code ext4} or {@code tmpfs}, for {@link FaultKind#DISK_FULL}, which the default schedule leaves out).
 */
class FaultSuiteTest {

    /** The schedule mvn verify runs: eight faults of eight different kinds. */
    static final long DEFAULT_SEED = 20261207L;


    private static final int NODES = 3;
    private static final int PARTITIONS = 6;
    private static final String TOPIC = "checked";
    private static final int WRITERS = 3;
    private static final int DEFAULT_COUNT = 8;
    private static final int DEFAULT_MINUTES = 5;
    private static final int DEFAULT_PAUSE_MS = 2000;
    private static final int DEFAULT_RATE = 300;
    /** A short run acknowledges far more: fewer means the workload hardly ran. */
    private static final int MIN_ACKNOWLEDGED = 2000;
    private static final int SESSION_TIMEOUT_MS = 3000;
    private static final Duration STEP_BOUND = Duration.ofSeconds(90);
    private static final Duration READ_BOUND = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    private ProcessCluster cluster;

    @AfterEach
    void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void noAcknowledgedRecordIsLostDuplicatedReorderedOrMovedThroughASeededScheduleOfFaults() throws Exception {
        // The same schedule in every mvn verify, so that a red build replays; "random" draws a fresh one.
        String seedProperty = System.getProperty("varve.faults.seed", Long.toString(DEFAULT_SEED));
        long seed = seedProperty.equals("random") ? new Random().nextLong() : Long.parseLong(seedProperty);
        int count = Integer.getInteger("varve.faults.count", DEFAULT_COUNT);
        Duration budget = Duration.ofMinutes(Integer.getInteger("varve.faults.minutes", DEFAULT_MINUTES));
        Duration pause = Duration.ofMillis(Integer.getInteger("varve.faults.pause.ms", DEFAULT_PAUSE_MS));
        Set<FaultKind> kinds = kinds(System.getProperty("varve.faults.kinds"));
        int rate = Integer.getInteger("varve.faults.rate", DEFAULT_RATE);
        FaultSchedule schedule = FaultSchedule.draw(seed, count, kinds, pause);
        String replay = "mvn -B -o verify -pl testkit -am -Dtest=FaultSuiteTest -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dvarve.faults.seed=" + seed + " -Dvarve.faults.count=" + count + " -Dvarve.faults.minutes=" + budget.toMinutes()
            + (kinds.equals(FaultKind.DEFAULT) ? "" : " -Dvarve.faults.kinds=" + kinds.stream().map(Enum::name)
            .collect(Collectors.joining(",")));
        System.out.println("[fault suite] " + schedule + "\n[fault suite] replay: " + replay);
        try {
            run(schedule, budget, rate);
        } catch (Throwable e) {
            throw new AssertionError("fault suite, seed " + seed + ", failed: " + e.getMessage() + "\nreplay: " + replay, e);
        }
    }

    private void run(FaultSchedule schedule, Duration budget, int rate) throws Exception {
        String dir = System.getProperty("varve.faults.dir");
        Path base = dir == null ? tmp : Files.createDirectories(Path.of(dir));
        cluster = ProcessCluster.startCombined(base, NODES, ProcessCluster.fastFailover(SESSION_TIMEOUT_MS, Map.of(
            "log.segment.bytes", Integer.toString(256 * 1024),
            "offsets.topic.replication.factor", "3",
            "offsets.topic.num.partitions", "3")));
        try (Admin admin = cluster.admin()) {
            cluster.awaitRegistered(admin, STEP_BOUND);
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) NODES)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(60, TimeUnit.SECONDS);
            cluster.awaitPartitions(admin, TOPIC, PARTITIONS, p -> p.leader() != null && p.isr().size() == NODES,
                STEP_BOUND, "every replica in sync at first");
        }
        History history = new History();
        CommitHistory commits = new CommitHistory();
        Workload workload = new Workload(cluster.bootstrap(), TOPIC, PARTITIONS, WRITERS, rate, schedule.seed(), history);
        int injected = 0;
        List<String> problems = List.of();
        long start = System.nanoTime();
        try (FaultInjector injector = new FaultInjector(cluster, TOPIC, PARTITIONS,
            Duration.ofMillis(SESSION_TIMEOUT_MS), commits, System.getProperty("varve.faults.diskfull.fs", "ext4"))) {
            workload.start();
            for (Fault fault : schedule.faults()) {
                if (System.nanoTime() - start > budget.toNanos()) {
                    injector.log("the budget of " + budget.toMinutes() + " min is spent after " + injected + " faults");
                    break;
                }
                Thread.sleep(fault.pauseBefore().toMillis()); // the workload runs undisturbed between faults
                injector.inject(fault);
                injected++;
                injector.log("acknowledged so far: " + history.acknowledgedCount() + " of " + history.sentCount() + " sent");
            }
            Thread.sleep(DEFAULT_PAUSE_MS); // the last records of a healthy cluster
            problems = injector.problems();
            injector.log("stopping the workload; " + injector.notBackInSync() + " faults left a replica out of sync");
        } finally {
            workload.stop(Duration.ofSeconds(90));
        }
        long faultPhaseMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        ReadBack read = ReadBack.read(cluster.bootstrap(), TOPIC, PARTITIONS, history.highestAckedOffsets(), READ_BOUND);
        CheckReport report = Checker.check(history, read);
        System.out.println("[fault suite] seed " + schedule.seed() + ": " + injected + " of " + schedule.size()
            + " faults injected in " + faultPhaseMs / 1000 + " s; " + summary(report) + "; group: " + commits
            + "; producers replaced: " + workload.replacements() + "; failed sends, the first: "
            + history.failureExamples(3) + "\n[fault suite] " + report);
        try {
            report.assertClean();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + cluster.logTails(4000), e);
        }
        if (schedule.faults().stream().limit(injected).anyMatch(f -> f.kind() == FaultKind.COORDINATOR_KILL)) {
            commits.assertClean();
        }
        assertEquals(List.of(), problems, "what went wrong during the faults");
        assertTrue(report.acknowledged() >= MIN_ACKNOWLEDGED,
            "at least " + MIN_ACKNOWLEDGED + " records acknowledged: " + report.acknowledged());
        assertEquals(schedule.size(), injected, "faults injected within the budget of " + budget.toMinutes() + " min");
    }

    private static String summary(CheckReport report) {
        return "acknowledged " + report.acknowledged() + ", read " + report.read() + ", "
            + Arrays.stream(Kind.values()).map(k -> k.name().toLowerCase(java.util.Locale.ROOT) + " " + report.count(k))
            .collect(Collectors.joining(", "));
    }

    private static Set<FaultKind> kinds(String names) {
        if (names == null || names.isBlank()) {
            return FaultKind.DEFAULT;
        }
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (String name : names.split(",")) {
            kinds.add(FaultKind.valueOf(name.trim()));
        }
        return kinds;
    }
}
