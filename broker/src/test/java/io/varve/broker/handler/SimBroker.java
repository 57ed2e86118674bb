package io.varve.broker.handler;

import io.varve.broker.group.GroupCoordinatorConfig;
import io.varve.broker.group.GroupCoordinatorService;
import io.varve.broker.purgatory.DelayedOperationPurgatory;
import io.varve.broker.purgatory.ManualDelayScheduler;
import io.varve.broker.replica.IsrChangeSink;
import io.varve.broker.replica.LeaderEndpoint;
import io.varve.broker.replica.Partition;
import io.varve.broker.replica.ReplicaConfig;
import io.varve.broker.replica.ReplicaFetcher;
import io.varve.broker.replica.ReplicaFixture;
import io.varve.broker.replica.ReplicaManager;
import io.varve.broker.replica.ReplicationRules;
import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.config.StorageConfig;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;
import io.varve.raft.metadata.MetadataImage;
import io.varve.storage.LogManager;
import io.varve.storage.PartitionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One broker of the {@link ReplicationSimulation}: real logs in its own directory, a real
 * {@link ReplicaManager} following the metadata versions it has applied so far, and the real fetch and
 * produce handlers on a manual timer. It can crash (its logs closed, its clean-shutdown marker removed
 * half the time, its waiting requests never answered) and start again on the same directory with a new
 * replica manager that begins from an old or empty image, as a restarted node does; or it can pause
 * (SIGSTOP) and resume with all its state. Not thread-safe.
 */
final class SimBroker {

    static final long LAG_TIME_MAX_MS = 10_000L;
    static final long FLUSH_INTERVAL_MS = 5_000L;
    static final int SEGMENT_BYTES = 2 * 1024;

    final int id;
    private final Path dir;
    private final ManualClock clock;
    private final ReplicationRules rules;
    private final IsrChangeSink isrSink;
    private final IntFunction<SimBroker> peers;
    private final Answers answers = new Answers();

    private boolean running;
    private boolean paused;
    private int incarnation;
    private LogManager logs;
    private ReplicaManager replicas;
    private ManualDelayScheduler timer;
    private FetchHandler fetch;
    private ProduceHandler produce;
    private GroupCoordinatorService groups;
    private final Map<Integer, ReplicaFetcher> fetchers = new HashMap<>();
    /** Index of the last metadata version this incarnation applied. */
    int appliedVersion;

    SimBroker(int id, Path dir, ManualClock clock, ReplicationRules rules, IsrChangeSink isrSink,
              IntFunction<SimBroker> peers) {
        this.id = id;
        this.dir = dir;
        this.clock = clock;
        this.rules = rules;
        this.isrSink = isrSink;
        this.peers = peers;
    }

    /** Opens the logs and a new replica manager that starts from metadata version {@code version}. */
    void start(List<MetadataImage> versions, int version) throws IOException {
        Map<String, Object> props = new HashMap<>(ReplicaFixture.BROKER_PROPS);
        props.put(StorageConfig.LOG_DIRS, dir.toString());
        props.put(ReplicaConfig.REPLICA_LAG_TIME_MAX_MS, LAG_TIME_MAX_MS);
        // The smallest fetch Kafka allows, about ten batches: a follower that fell behind takes several
        // rounds to catch up, so lagging followers and lagging high-water marks are common.
        props.put(ReplicaConfig.REPLICA_FETCH_MAX_BYTES, 1024);
        // Logs are forced to the device every few seconds (ticks call flushDirtyLogs), so that a power loss
        // finds some of a log flushed and some not.
        props.put(LogConfig.FLUSH_INTERVAL_MS, FLUSH_INTERVAL_MS);
        // Small segments: logs roll now and then, so that a power loss may cut across segments and
        // recovery walk several.
        props.put(LogConfig.SEGMENT_BYTES, SEGMENT_BYTES);
        logs = LogManager.open(StorageConfig.from(props), clock, Runnable::run);
        replicas = new ReplicaManager(id, logs, props, versions.get(version), clock, isrSink, rules);
        timer = new ManualDelayScheduler();
        DelayedOperationPurgatory<TopicPartition> fetches = new DelayedOperationPurgatory<>("fetch", timer, 1024);
        DelayedOperationPurgatory<TopicPartition> produces = new DelayedOperationPurgatory<>("produce", timer, 1024);
        replicas.onAppend(fetches::checkAndComplete);
        replicas.onHighWatermark(fetches::checkAndComplete);
        replicas.onHighWatermark(produces::checkAndComplete);
        fetch = new FetchHandler(replicas, fetches, 1 << 20);
        produce = new ProduceHandler(replicas, produces);
        fetchers.clear();
        appliedVersion = version;
        replicas.onImage(versions.get(version));
        running = true;
        incarnation++;
        // The real coordinator over the real __consumer_offsets partitions, without its thread: driven here.
        int[] memberIds = {0};
        String prefix = id + "-" + incarnation + "-";
        groups = GroupCoordinatorService.driven(id, GroupCoordinatorConfig.from(GroupWorkload.COORDINATOR_PROPS),
            replicas, null, clock, () -> prefix + memberIds[0]++);
        groups.doWork();
    }

    /**
     * The process dies: nothing more is answered and the logs are closed (the page cache survives a
     * process crash); half the time the clean-shutdown marker goes too, so the next start recovers.
     */
    void crash(boolean unclean) throws IOException {
        running = false;
        paused = false;
        answers.closeAll();
        logs.close();
        if (unclean) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    if (f.getFileName().toString().contains("cleanshutdown")) {
                        Files.delete(f);
                    }
                }
            }
        }
    }

    /**
     * The machine loses power: like {@link #crash}, but every log then loses what it had not flushed
     * ({@link SimDisk}), and the next start recovers every segment.
     *
     * @param lieAboutFsync the planted disk bug: flushed data is lost too
     */
    SimDisk.Loss losePower(java.util.Random random, boolean lieAboutFsync) throws IOException {
        Map<String, Long> recoveryPoints = new java.util.TreeMap<>();
        for (PartitionLog log : logs.allLogs()) {
            recoveryPoints.put(log.dir().getFileName().toString(), log.recoveryPoint());
        }
        crash(true);
        return SimDisk.losePower(dir, recoveryPoints, random, lieAboutFsync);
    }

    /** The process exists (its logs are open), paused or not. */
    boolean running() {
        return running;
    }

    /** Running and not paused: it fetches, answers, heartbeats and applies metadata. */
    boolean active() {
        return running && !paused;
    }

    /** SIGSTOP: the process keeps all its state but does nothing until {@link #resume()}. */
    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
    }

    int incarnation() {
        return incarnation;
    }

    ReplicaManager replicas() {
        return replicas;
    }

    LogManager logs() {
        return logs;
    }

    GroupCoordinatorService groups() {
        return groups;
    }

    ProduceHandler produce() {
        return produce;
    }

    Answers answers() {
        return answers;
    }

    /** Applies metadata version {@code version} (an image at most as new as the committed one). */
    void apply(List<MetadataImage> versions, int version) {
        appliedVersion = version;
        try {
            replicas.onImage(versions.get(version));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        groups.onImage(replicas.image());
        groups.doWork();
    }

    void registered(long brokerEpoch) {
        try {
            replicas.onRegistered(brokerEpoch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        groups.onImage(replicas.image()); // now hosting what the image places here: load what it leads
        groups.doWork();
    }

    /** Time passed: waiting requests time out, leaders check their followers' lag, the coordinator ticks. */
    void tick(long ms) {
        timer.advance(ms);
        replicas.maybeShrinkIsrs();
        logs.flushDirtyLogs();
        groups.doWork();
    }

    /** One fetch round from every running leader this broker follows; how many rounds fetched. */
    int fetchFromLeaders() {
        int fetched = 0;
        Map<Integer, List<Partition>> byLeader = new HashMap<>();
        for (Partition p : replicas.partitions()) {
            if (p.role() == Partition.Role.FOLLOWER) {
                byLeader.computeIfAbsent(p.leaderId(), l -> new ArrayList<>()).add(p);
            }
        }
        for (Map.Entry<Integer, List<Partition>> e : byLeader.entrySet()) {
            SimBroker leader = peers.apply(e.getKey());
            if (leader == null || !leader.active()) {
                continue;
            }
            ReplicaFetcher fetcher = fetchers.computeIfAbsent(e.getKey(),
                l -> new ReplicaFetcher(id, replicas::brokerEpoch, l, new DirectEndpoint(l), replicas.config()));
            for (Partition p : replicas.partitions()) {
                if (e.getValue().contains(p)) {
                    fetcher.add(p);
                } else {
                    fetcher.remove(p.topicPartition());
                }
            }
            if (fetcher.doWork() == ReplicaFetcher.Outcome.FETCHED) {
                fetched++;
            }
        }
        return fetched;
    }

    /** The leader's real fetch handler, called directly while it runs ({@link Answers#fetchNow}). */
    private final class DirectEndpoint implements LeaderEndpoint {
        private final int leaderId;

        DirectEndpoint(int leaderId) {
            this.leaderId = leaderId;
        }

        @Override
        public FetchResponse fetch(FetchRequest request, long timeoutMs) throws LeaderUnavailableException {
            SimBroker leader = peers.apply(leaderId);
            if (leader == null || !leader.active()) {
                throw new LeaderUnavailableException("broker " + leaderId + " is down or paused", null);
            }
            return leader.answers.fetchNow(leader.fetch, request);
        }
    }

    /** Closes the logs of a running broker at the end of a run. */
    void close() throws IOException {
        if (running) {
            running = false;
            paused = false;
            answers.closeAll();
            logs.close();
        }
    }
}
