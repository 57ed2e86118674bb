package io.varve.broker.handler;

import io.varve.broker.group.OffsetsTopic;
import io.varve.broker.handler.ReplicationInvariants.Name;
import io.varve.broker.handler.ReplicationInvariants.Violation;
import io.varve.broker.replica.Batches;
import io.varve.broker.replica.IsrChangeSink;
import io.varve.broker.replica.Partition;
import io.varve.broker.replica.ReplicationRules;
import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.Records;
import io.varve.protocol.generated.ProduceRequest;
import io.varve.protocol.generated.ProduceResponse;
import io.varve.raft.controller.AlterPartitionResult;
import io.varve.raft.controller.ControllerConfig;
import io.varve.raft.controller.ControllerResult;
import io.varve.raft.controller.ControllerStateMachine;
import io.varve.raft.controller.CreateTopicResult;
import io.varve.raft.controller.NewTopic;
import io.varve.raft.metadata.BrokerRegistration;
import io.varve.raft.metadata.MetadataDelta;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.metadata.PartitionImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A seeded, single-threaded simulation of a three-broker cluster's data plane (DESIGN §7 tier 2): real
 * {@link io.varve.broker.replica.ReplicaManager}s, partitions, fetchers, fetch and produce handlers and
 * purgatories over real logs on disk, with the controller's real decisions ({@link ControllerStateMachine})
 * committed as metadata versions that each broker applies at its own pace, as a metadata follower does.
 *
 * <p>From the seed it draws a schedule of events: acks=all produces (to the broker the committed metadata
 * names as leader, now and then to another), follower fetch rounds, metadata applied by one broker (the
 * next version or the newest), the controller deciding ISR changes, unfencing brokers that heartbeat and
 * fencing crashed ones, time passing (lag checks, request timeouts, log flushes), brokers crashing (leaders
 * more often, and among them leaders that have not written in their epoch yet, which hunts the empty-epoch
 * divergence of issue 11's defect 2) and restarting from an old or empty image. A crash is, half the time
 * when Kafka's guarantee allows it, a power loss ({@link SimDisk}): the broker's logs lose what they had not
 * flushed, with a cut, torn or zeroed tail, and the restarted logs are checked
 * ({@link Name#RecoveredLogIsAValidFlushedPrefix}). Each broker also runs the real group coordinator
 * ({@link io.varve.broker.group.GroupCoordinatorService}, driven on this thread) over the real,
 * replicated {@code __consumer_offsets}, to which the {@link GroupWorkload}'s members commit
 * ({@link Name#AcknowledgedCommitNeverLost}). After every event {@link ReplicationInvariants} checks every
 * named invariant. Then the faults stop, every broker runs, and within a bound every partition must have
 * its full ISR and take an acks=all write, and every group a commit ({@link Name#WritableAfterHealing}).
 * The groups and the disk draw from streams of their own, so that the data plane's draws stay as they were.
 *
 * <p>A power loss is scheduled only while every partition (of both topics) whose committed ISR holds the
 * broker has another ISR member whose process runs, and the broker is fenced at once: Kafka promises that
 * an acknowledged record survives while one in-sync replica stays up, not that it survives every replica
 * losing its page cache at once (it does not fsync each write); that case is excluded, not checked.
 *
 * <p>Not covered here: the Raft quorum (its own simulation), the network edge, the group protocol's
 * membership (JoinGroup, SyncGroup, heartbeats: the members commit outside a generation, as a standalone
 * consumer does), a whole cluster losing power, fsync failures and full disks (no storage hook injects them).
 * Not thread-safe; one run per instance.
 */
final class ReplicationSimulation {

    static final String TOPIC = "events";
    static final int BROKERS = 3;
    static final int PARTITIONS = 2;
    static final int MIN_INSYNC_REPLICAS = 2;
    /** Events of the chaotic phase. */
    static final int EVENTS = 250;
    /** Rounds the healed cluster gets to have every ISR full and take a write. */
    static final int HEALING_ROUNDS = 300;
    static final long REQUEST_TIMEOUT_MS = 3_000;

    /** What a run exercised; the many-seed test asserts that faults really were injected. */
    record Stats(long produced, long acknowledged, long crashes, long pauses, long emptyEpochLeaderCrashes, long restarts,
                 long restartsFromEmptyImage, long fencings, long isrChanges, long leaderEpochs, long truncations,
                 long staleProduces, long powerLosses, long bytesLost, long segmentsLost,
                 long acknowledgedLostOnOneReplica,
                 long commitsAcknowledged, long offsetFetchesChecked, long checksAfterFailover,
                 long traceHash) {
    }

    private final long seed;
    private final PlantedReplicationFault fault;
    private final Random random;
    private final Random disk;
    private final Path dir;
    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private final ControllerStateMachine controller;
    private final List<MetadataImage> versions = new ArrayList<>();
    private final Map<Integer, SimBroker> brokers = new TreeMap<>();
    private final List<IsrChange> isrChanges = new ArrayList<>();
    private final List<InFlight> inFlight = new ArrayList<>();
    private final ReplicationInvariants invariants = new ReplicationInvariants(TOPIC, PARTITIONS);
    private final GroupWorkload groups;
    private long nextValue;
    private long produced;
    private long crashes;
    private long pauses;
    private long emptyEpochLeaderCrashes;
    private long restarts;
    private long restartsFromEmptyImage;
    private long fencings;
    private long committedIsrChanges;
    private long staleProduces;
    private long powerLosses;
    private long bytesLost;
    private long segmentsLost;
    private long acknowledgedLostOnOneReplica;
    /** Brokers that lost power and have not started since: what their logs held then. */
    private final Map<Integer, Map<Integer, ReplicationInvariants.BeforePowerLoss>> lostPower = new TreeMap<>();
    private long trace = 17;
    private int event;

    private record IsrChange(UUID topicId, int partition, int leaderId, int leaderEpoch, int[] isr, int partitionEpoch,
                             CompletableFuture<Errors> reply) {
    }

    private record InFlight(Answers.Answer answer, SimBroker broker, int incarnation, int partition,
                            List<String> values) {
    }

    ReplicationSimulation(long seed, PlantedReplicationFault fault, Path dir) {
        this.seed = seed;
        this.fault = fault;
        ReplicationRules rules = fault.rules;
        this.random = new Random(seed);
        // The disk draws from its own stream too.
        this.disk = new Random(seed ^ 0xBB67AE8584CAA73BL);
        // The groups draw from their own stream, so that they leave the data plane's schedule of draws as it was.
        this.groups = new GroupWorkload(TOPIC, PARTITIONS, clock, new Random(seed ^ 0x6A09E667F3BCC909L));
        this.dir = dir;
        this.controller = new ControllerStateMachine(ControllerConfig.from(Map.of()), new Random(seed ^ 0x5DEECE66DL));
        versions.add(MetadataImage.empty("sim"));
        IsrChangeSink sink = (topicId, partition, leaderId, leaderEpoch, isr, partitionEpoch) -> {
            CompletableFuture<Errors> reply = new CompletableFuture<>();
            isrChanges.add(new IsrChange(topicId, partition, leaderId, leaderEpoch, isr, partitionEpoch, reply));
            return reply;
        };
        for (int id = 1; id <= BROKERS; id++) {
            brokers.put(id, new SimBroker(id, dir.resolve("broker-" + id), clock, rules, sink, brokers::get));
        }
    }

    /** Runs the schedule; throws a {@link Violation} naming the broken invariant, with the replay line. */
    Stats run() throws IOException {
        try {
            setUp();
            for (event = 0; event < EVENTS; event++) {
                step();
                afterEvent();
            }
            heal();
            return stats();
        } catch (Violation v) {
            throw new Violation(v.invariant(), v.getMessage().substring(v.invariant().name().length() + 2)
                + "\n  at event " + event + " of seed " + seed + "\n  replay: " + replayLine());
        } catch (RuntimeException e) {
            throw new Violation(Name.NoException, e + "\n  at event " + event + " of seed " + seed
                + "\n  replay: " + replayLine(), e);
        } finally {
            for (SimBroker b : brokers.values()) {
                b.close();
            }
        }
    }

    String replayLine() {
        return "mvn -B -o test -pl broker -am -Dtest=ReplicationSimulationTest -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dvarve.replsim.seed=" + seed + (fault == PlantedReplicationFault.NONE ? "" : " -Dvarve.replsim.fault=" + fault);
    }

    private Stats stats() {
        return new Stats(produced, invariants.acknowledgedCount(), crashes, pauses, emptyEpochLeaderCrashes, restarts,
            restartsFromEmptyImage, fencings,
            committedIsrChanges, latest().topic(TOPIC).partitions().values().stream()
                .mapToLong(PartitionImage::leaderEpoch).sum(),
            invariants.truncations, staleProduces, powerLosses, bytesLost, segmentsLost, acknowledgedLostOnOneReplica,
            groups.commitsAcknowledged, groups.fetchesChecked,
            groups.checksAfterFailover, trace);
    }

    // ------------------------------------------------------------------------------------ set-up

    private void setUp() throws IOException {
        for (SimBroker b : brokers.values()) {
            b.start(versions, 0);
            register(b);
            heartbeat(b);
        }
        // __consumer_offsets as the coordinator asks for it, with the same durability as the data topic.
        ControllerResult<List<CreateTopicResult>> created = controller.createTopics(latest(), List.of(
            new NewTopic(TOPIC, PARTITIONS, (short) BROKERS, Map.of("min.insync.replicas",
                Integer.toString(MIN_INSYNC_REPLICAS))),
            new NewTopic(OffsetsTopic.NAME, GroupWorkload.OFFSETS_PARTITIONS, (short) BROKERS, Map.of(
                "min.insync.replicas", Integer.toString(MIN_INSYNC_REPLICAS)))), false);
        for (CreateTopicResult r : created.response()) {
            if (r.error() != Errors.NONE) {
                throw new IllegalStateException("creating the topics failed: " + created.response());
            }
        }
        commit(created.records());
        for (SimBroker b : brokers.values()) {
            b.apply(versions, versions.size() - 1);
        }
    }

    // ------------------------------------------------------------------------------------ events

    private void step() throws IOException {
        groups.maybeCommit(latest(), brokers);
        int roll = random.nextInt(100);
        if (roll < 30) {
            produce();
        } else if (roll < 62) {
            running().ifPresent(b -> note(b.fetchFromLeaders()));
        } else if (roll < 76) {
            running().ifPresent(this::applyMetadata);
        } else if (roll < 86) {
            controllerTurn();
        } else if (roll < 94) {
            passTime(100 + random.nextInt(4_000));
        } else if (roll < 96) {
            crashOrPause();
        } else {
            restartOrResume();
        }
    }

    private void afterEvent() {
        for (SimBroker b : brokers.values()) {
            if (b.active()) {
                b.groups().doWork(); // answers held commits whose records the followers' fetches replicated
            }
        }
        note(groups.afterEvent(latest(), brokers));
        for (Iterator<InFlight> it = inFlight.iterator(); it.hasNext(); ) {
            InFlight f = it.next();
            if (!f.broker().running() || f.broker().incarnation() != f.incarnation()) {
                it.remove(); // the broker died: never answered, never acknowledged
                continue;
            }
            if (!f.answer().answered()) {
                continue;
            }
            it.remove();
            ProduceResponse response = f.answer().get();
            ProduceResponse.PartitionProduceResponse r = response.responses().get(0).partitionResponses().get(0);
            note(r.errorCode());
            if (r.errorCode() == Errors.NONE.code) {
                for (int i = 0; i < f.values().size(); i++) {
                    invariants.acknowledged(f.partition(), r.baseOffset() + i, f.values().get(i), brokers,
                        MIN_INSYNC_REPLICAS);
                }
            }
        }
        invariants.check(latest(), brokers);
    }

    private void produce() {
        int partition = random.nextInt(PARTITIONS);
        PartitionImage image = latest().topic(TOPIC).partition(partition);
        SimBroker target = brokers.get(image.leader());
        if (target == null || random.nextInt(10) == 0) {
            target = brokers.get(1 + random.nextInt(BROKERS)); // a client with stale metadata
            staleProduces++;
        }
        if (!target.active()) {
            return;
        }
        int count = 1 + random.nextInt(3);
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add("p" + partition + "-" + nextValue++);
        }
        ProduceRequest request = new ProduceRequest(null, (short) -1, (int) REQUEST_TIMEOUT_MS, List.of(
            new ProduceRequest.TopicProduceData(TOPIC, new java.util.UUID(0L, 0L), List.of(new ProduceRequest.PartitionProduceData(partition,
                Records.of(Batches.of(clock.wallClockMs(), values.toArray(String[]::new))))))));
        Answers.Answer answer = target.answers().next();
        target.produce().handle(Answers.context(ApiKey.PRODUCE, 9), request, answer);
        inFlight.add(new InFlight(answer, target, target.incarnation(), partition, values));
        produced += count;
        note(target.id * 31 + partition);
    }

    private void applyMetadata(SimBroker b) {
        int newest = versions.size() - 1;
        if (b.appliedVersion >= newest) {
            return;
        }
        int version = random.nextBoolean() ? newest : b.appliedVersion + 1;
        b.apply(versions, version);
        note(version);
    }

    /** The controller's turn: one ISR change decided, or a broker unfenced or fenced. */
    private void controllerTurn() {
        int roll = random.nextInt(3);
        if (roll == 0 && !isrChanges.isEmpty()) {
            decideIsrChange(isrChanges.remove(0));
        } else if (roll == 1) {
            running().ifPresent(this::heartbeat);
        } else {
            // A crashed or paused broker's lease runs out.
            List<SimBroker> down = brokers.values().stream().filter(b -> !b.active()).toList();
            if (!down.isEmpty()) {
                fence(down.get(random.nextInt(down.size())));
            }
        }
    }

    private void decideIsrChange(IsrChange c) {
        ControllerResult<AlterPartitionResult> result = controller.alterPartition(latest(), c.topicId(), c.partition(),
            c.leaderId(), c.leaderEpoch(), c.isr(), c.partitionEpoch());
        if (!result.records().isEmpty()) {
            committedIsrChanges++;
        }
        commit(result.records());
        c.reply().complete(result.response().error());
        note(result.response().error().code);
    }

    private void passTime(long ms) {
        clock.advanceMs(ms);
        for (SimBroker b : brokers.values()) {
            if (b.active()) {
                b.tick(ms);
            }
        }
        note(ms);
    }

    /**
     * A broker dies or pauses (SIGSTOP, past its lease); one leading partitions is chosen more often, as
     * the checker's schedules do. A pause keeps the broker's state, a crash does not: a restart reloads the
     * leader-epoch cache truncated at the log end, so only a paused leader keeps an epoch it wrote nothing in.
     */
    private void crashOrPause() throws IOException {
        List<SimBroker> up = brokers.values().stream().filter(SimBroker::active).toList();
        if (up.isEmpty()) {
            return;
        }
        SimBroker victim = up.get(random.nextInt(up.size()));
        int roll = random.nextInt(4);
        for (SimBroker b : up) {
            if (roll == 0 && b.replicas().leaders().stream().anyMatch(ReplicationSimulation::wroteNothingInItsEpoch)) {
                victim = b; // a leader that has not written in its epoch yet: the next leader never learns that epoch
                emptyEpochLeaderCrashes++;
                break;
            }
            if (roll == 1 && !b.replicas().leaders().isEmpty()) {
                victim = b;
                break;
            }
        }
        if (random.nextBoolean()) {
            victim.pause();
            pauses++;
            note(3000 + victim.id);
        } else {
            boolean unclean = random.nextBoolean();
            if (disk.nextBoolean() && mayLosePower(victim)) {
                losePower(victim);
            } else {
                victim.crash(unclean);
            }
            crashes++;
            note(1000 + victim.id);
        }
    }

    /**
     * Whether {@code b} may lose its unsynced writes under Kafka's guarantee: a committed record survives as
     * long as one in-sync replica stays up. So every partition (of both topics) whose committed ISR holds
     * {@code b} must hold another broker whose process runs; a power loss of the last live ISR member, or of
     * every replica at once, can lose acknowledged records (Kafka's documented trade-off of not fsyncing each
     * write) and is not scheduled.
     */
    private boolean mayLosePower(SimBroker b) {
        for (String name : List.of(TOPIC, OffsetsTopic.NAME)) {
            for (PartitionImage p : latest().topic(name).partitions().values()) {
                if (java.util.Arrays.stream(p.isr()).anyMatch(id -> id == b.id)
                    && java.util.Arrays.stream(p.isr()).noneMatch(id -> id != b.id && brokers.get(id).running())) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * {@code b}'s machine loses power: its logs lose what they had not flushed. Its lease is taken at once
     * (the controller fences it, so it leaves every ISR it is not the last member of), as a session timeout
     * would before it could come back; it rejoins an ISR only by catching up again.
     */
    private void losePower(SimBroker b) throws IOException {
        Map<Integer, ReplicationInvariants.BeforePowerLoss> before = invariants.beforePowerLoss(b);
        SimDisk.Loss loss = b.losePower(disk, fault == PlantedReplicationFault.DISK_LIES_ABOUT_FSYNC);
        lostPower.put(b.id, before);
        powerLosses++;
        bytesLost += loss.bytesLost();
        segmentsLost += loss.segmentsDeleted();
        fence(b);
        note(loss.bytesLost());
    }

    /** After a start: a broker that lost power recovered valid, flushed prefixes of its logs. */
    private void checkRecovered(SimBroker b) {
        Map<Integer, ReplicationInvariants.BeforePowerLoss> before = lostPower.remove(b.id);
        if (before != null) {
            acknowledgedLostOnOneReplica += invariants.checkRecovered(b, before);
        }
    }

    private void restartOrResume() throws IOException {
        List<SimBroker> paused = brokers.values().stream().filter(b -> b.running() && !b.active()).toList();
        if (!paused.isEmpty() && random.nextBoolean()) {
            SimBroker b = paused.get(random.nextInt(paused.size()));
            b.resume();
            note(4000 + b.id);
        } else {
            restart();
        }
    }

    /** A crashed broker starts again from an old image (an empty one a third of the time) and registers. */
    private void restart() throws IOException {
        List<SimBroker> down = brokers.values().stream().filter(b -> !b.running()).toList();
        if (down.isEmpty()) {
            return;
        }
        SimBroker b = down.get(random.nextInt(down.size()));
        int version = random.nextInt(3) == 0 ? 0 : random.nextInt(b.appliedVersion + 1);
        b.start(versions, version);
        checkRecovered(b);
        restarts++;
        if (version == 0) {
            restartsFromEmptyImage++;
        }
        register(b);
        note(2000 + b.id);
    }

    private static boolean wroteNothingInItsEpoch(Partition p) {
        var entries = p.log().leaderEpochCache().entries();
        return !entries.isEmpty() && entries.get(entries.size() - 1).epoch() == p.leaderEpoch()
            && entries.get(entries.size() - 1).startOffset() == p.logEndOffset();
    }

    // ------------------------------------------------------------------------------------ controller

    private MetadataImage latest() {
        return versions.get(versions.size() - 1);
    }

    private void commit(List<MetadataRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        MetadataDelta delta = new MetadataDelta(latest());
        long offset = latest().lastAppliedOffset();
        for (MetadataRecord r : records) {
            delta.replay(fault.electWithoutNewEpoch ? keepingTheEpoch(r) : r, ++offset);
        }
        versions.add(delta.apply());
    }

    /** The planted controller bug: a leadership change that keeps the previous leader epoch. */
    private MetadataRecord keepingTheEpoch(MetadataRecord r) {
        if (r instanceof MetadataRecord.Partition p && latest().topic(p.topicId()) != null) {
            PartitionImage before = latest().topic(p.topicId()).partition(p.partitionIndex());
            if (before != null && before.leader() != p.leader() && p.leader() != PartitionImage.NO_LEADER) {
                return new MetadataRecord.Partition(p.topicId(), p.partitionIndex(), p.replicas(), p.isr(), p.leader(),
                    before.leaderEpoch(), p.partitionEpoch());
            }
        }
        return r;
    }

    /** Registers a new incarnation; the broker learns its epoch from the answer, before any image shows it. */
    private void register(SimBroker b) {
        commit(controller.registerBroker(latest(), b.id, "127.0.0.1", 9000 + b.id, null).records());
        b.registered(latest().broker(b.id).epoch());
    }

    private void heartbeat(SimBroker b) {
        BrokerRegistration r = latest().broker(b.id);
        if (r != null && r.fenced() && b.active()) {
            commit(controller.brokerHeartbeat(latest(), b.id, r.epoch(), false).records());
        }
    }

    private void fence(SimBroker b) {
        BrokerRegistration r = latest().broker(b.id);
        if (r != null && !r.fenced()) {
            commit(controller.fenceBrokers(latest(), List.of(b.id)).records());
            fencings++;
        }
    }

    // ------------------------------------------------------------------------------------ healing

    /**
     * Faults stop: every broker runs, applies the newest metadata, heartbeats and fetches; the controller
     * decides every ISR change. Within {@link #HEALING_ROUNDS} rounds every partition must have all three
     * replicas in sync and take an acks=all write to its leader.
     */
    private void heal() throws IOException {
        for (SimBroker b : brokers.values()) {
            if (!b.running()) {
                b.start(versions, b.appliedVersion);
                checkRecovered(b);
                register(b);
            }
            b.resume();
        }
        Answers.Answer[] writes = new Answers.Answer[PARTITIONS];
        boolean[] groupsHealed = new boolean[groups.groupCount()];
        long healingStartMs = clock.wallClockMs();
        for (int round = 0; round < HEALING_ROUNDS; round++) {
            event = EVENTS + round;
            for (SimBroker b : brokers.values()) {
                heartbeat(b);
            }
            while (!isrChanges.isEmpty()) {
                decideIsrChange(isrChanges.remove(0));
            }
            for (SimBroker b : brokers.values()) {
                b.apply(versions, versions.size() - 1);
            }
            for (SimBroker b : brokers.values()) {
                b.fetchFromLeaders();
            }
            passTime(200);
            afterEvent();
            int done = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                PartitionImage image = latest().topic(TOPIC).partition(p);
                boolean healed = image.isr().length == BROKERS && leads(image);
                if (healed && writes[p] != null && writes[p].answered() && acknowledged(writes[p])) {
                    done++;
                } else if (healed && (writes[p] == null || writes[p].answered() || !inFlight(writes[p]))) {
                    writes[p] = produceTo(p, brokers.get(image.leader()));
                }
            }
            if (groups.healed(latest(), brokers, groupsHealed, healingStartMs) && done == PARTITIONS) {
                return;
            }
        }
        throw new Violation(Name.WritableAfterHealing, "not every partition has its full ISR and took a write, or not"
            + " every group had a commit acknowledged, " + HEALING_ROUNDS + " rounds after the faults stopped: "
            + describe() + groups.describe());
    }

    private Answers.Answer produceTo(int partition, SimBroker leader) {
        String value = "heal-" + partition + "-" + nextValue++;
        ProduceRequest request = new ProduceRequest(null, (short) -1, (int) REQUEST_TIMEOUT_MS, List.of(
            new ProduceRequest.TopicProduceData(TOPIC, new java.util.UUID(0L, 0L), List.of(new ProduceRequest.PartitionProduceData(partition,
                Records.of(Batches.of(clock.wallClockMs(), value)))))));
        Answers.Answer answer = leader.answers().next();
        leader.produce().handle(Answers.context(ApiKey.PRODUCE, 9), request, answer);
        inFlight.add(new InFlight(answer, leader, leader.incarnation(), partition, List.of(value)));
        return answer;
    }

    private static boolean acknowledged(Answers.Answer answer) {
        ProduceResponse response = answer.get();
        return response.responses().get(0).partitionResponses().get(0).errorCode() == Errors.NONE.code;
    }

    private boolean inFlight(Answers.Answer answer) {
        return inFlight.stream().anyMatch(f -> f.answer() == answer);
    }

    private boolean leads(PartitionImage image) {
        SimBroker leader = brokers.get(image.leader());
        return leader != null && leader.active()
            && leader.replicas().partition(new TopicPartition(TOPIC, image.partitionIndex())) != null;
    }

    private String describe() {
        StringBuilder s = new StringBuilder();
        for (PartitionImage p : latest().topic(TOPIC).partitions().values()) {
            s.append("\n  partition ").append(p.partitionIndex()).append(": leader ").append(p.leader())
                .append(" epoch ").append(p.leaderEpoch()).append(" isr ").append(java.util.Arrays.toString(p.isr()));
            for (SimBroker b : brokers.values()) {
                Partition local = b.running() ? b.replicas().replica(new TopicPartition(TOPIC, p.partitionIndex())) : null;
                s.append("\n    broker ").append(b.id).append(local == null ? ": no partition"
                    : ": " + local.role() + " epoch " + local.leaderEpoch() + " log end " + local.logEndOffset()
                    + " hwm " + local.highWatermark() + " position " + local.fetchPosition()
                    + " isr " + java.util.Arrays.toString(local.isr()));
            }
        }
        return s.toString();
    }

    // ------------------------------------------------------------------------------------ helpers

    private java.util.Optional<SimBroker> running() {
        List<SimBroker> up = brokers.values().stream().filter(SimBroker::active).toList();
        return up.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(up.get(random.nextInt(up.size())));
    }

    /** Folds what happened into the trace hash that exact replay is checked against. */
    private void note(long value) {
        trace = trace * 1_000_003L + value + event;
    }

    /** Removes a run's directory. */
    static void deleteDirectory(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
