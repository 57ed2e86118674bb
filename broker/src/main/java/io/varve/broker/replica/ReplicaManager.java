package io.varve.broker.replica;

import io.varve.common.Clock;
import io.varve.broker.replica.ReplicationRules.Rule;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.raft.controller.TopicConfigs;
import io.varve.raft.metadata.BrokerRegistration;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.PartitionImage;
import io.varve.raft.metadata.TopicImage;
import io.varve.storage.LogManager;
import io.varve.storage.PartitionLog;
import io.varve.storage.StorageErrorListener;
import io.varve.storage.checkpoint.PartitionMetadataFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this broker hosts, kept in step with the metadata image: every partition whose replica
 * set names this node has a log (created or reopened) and a role, leader or follower, at the image's
 * leader epoch; a partition this node stops being a replica of, or whose topic is gone, has its log
 * deleted. A log is never deleted because leadership moved. Request handlers look partitions up here.
 *
 * <p><b>Nothing is decided on metadata that has not caught up</b> (DESIGN §5). A node that starts has
 * an image that may be empty or old (a voter or a metadata follower replays the log as it learns it),
 * so images are only recorded until one holds this incarnation's own registration ({@link
 * #onRegistered}), unfenced: the controller wrote that after every record committed before this node
 * started, which is Kafka's "caught up" test too. Until then this node hosts nothing, leads nothing and
 * deletes nothing. The first image applied sets aside, renamed and never deleted, every log on disk it
 * does not name or that belongs to an earlier topic of the same name ({@link LogManager#markStray},
 * Kafka's stray logs); from then on a log is deleted only when a later image removes a replica an
 * earlier applied image named (the topic deleted or re-created, or the replica reassigned), that is
 * when committed metadata removed it. This node leads only while its current registration is unfenced.
 *
 * <p>Followers are handed to the registered {@link FollowerListener} (the replica fetchers) whenever
 * their leader or leader epoch changes, and taken away when they stop following (leaderless, led by a
 * fenced broker, leader here, or removed). Every event that may move a high-water mark (an append, a
 * follower's fetch, an ISR change) tells the {@link #onHighWatermark} listeners, which complete waiting
 * produces and fetches (events, never polling).
 *
 * <p><b>A log directory that fails goes offline</b> (Kafka's {@code LogDirFailureChannel}): a storage error
 * of any log in it, a write, flush, roll or index failure, and also a full disk refusing an append
 * ({@link #onStorageError}), takes the whole directory offline until the node restarts. Every partition in it
 * answers {@code KAFKA_STORAGE_ERROR} at once (produce, fetch, follower fetch); at the next heartbeat
 * ({@link #reportOfflineLogDirs}) or image its partitions stop and their fetchers are taken away, and the
 * heartbeat tells the controller, which moves their leaderships to other ISR members and drops this node
 * from the ISRs. A full disk takes the directory offline too, as in Kafka (ENOSPC is an I/O error there):
 * nothing of the refused batch was written, so nothing is lost, and the partitions stay writable through
 * the other replicas instead of refusing writes here until space is freed.
 *
 * <p>Thread-safe. {@link #onImage} is called by the single metadata-publishing thread and
 * {@link #onRegistered} by the registering one, both under this object's lock; lookups and appends come
 * from any event loop, follower fetches from the fetcher threads.
 */
public final class ReplicaManager {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaManager.class);

    /** Told when a hosted partition starts or stops following a leader. Called while an image is applied. */
    public interface FollowerListener {
        /** {@code partition} follows {@code leader} at {@link Partition#leaderEpoch()} from now on. */
        void follow(Partition partition, BrokerRegistration leader);

        /** {@code tp} follows no one any more (or is gone). */
        void unfollow(TopicPartition tp);
    }

    private final int nodeId;
    private final LogManager logs;
    private final Map<String, ?> brokerProps;
    private final ReplicaConfig config;
    private final Clock clock;
    private final IsrChangeSink isrSink;
    private final ReplicationRules rules;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final Collection<Consumer<TopicPartition>> appendListeners = new CopyOnWriteArrayList<>();
    private final Collection<Consumer<TopicPartition>> highWatermarkListeners = new CopyOnWriteArrayList<>();
    private final Collection<FollowerListener> followerListeners = new CopyOnWriteArrayList<>();
    /** The last image applied to the hosted partitions. */
    private volatile MetadataImage image;
    /** The last image received, applied or not. Guarded by this. */
    private MetadataImage latest;
    /** This incarnation's broker epoch, -1 until it registered. Written under this object's lock. */
    private volatile long brokerEpoch = -1;
    /** Whether an image holding this incarnation's registration has been applied. Guarded by this. */
    private boolean caughtUp;
    /** Hosted partitions in an offline log directory that were stopped. Guarded by this. */
    private final Set<TopicPartition> stoppedOffline = new HashSet<>();
    /** Told, on the thread that met the error, when a log directory goes offline. */
    private final Collection<Runnable> offlineListeners = new CopyOnWriteArrayList<>();

    /**
     * @param brokerProps the broker's properties: topic logs start from these and add the topic's overrides;
     *                    the replication settings ({@link ReplicaConfig}) are read from them too
     * @param clock       the node's clock: follower lag is measured on its monotonic milliseconds
     * @param isrSink     where ISR changes go (AlterPartition)
     */
    public ReplicaManager(int nodeId, LogManager logs, Map<String, ?> brokerProps, MetadataImage initial, Clock clock,
                          IsrChangeSink isrSink) {
        this(nodeId, logs, brokerProps, initial, clock, isrSink, ReplicationRules.KAFKA);
    }

    /** A replica manager whose partitions follow {@code rules}: {@link ReplicationRules#KAFKA} but in the simulation. */
    public ReplicaManager(int nodeId, LogManager logs, Map<String, ?> brokerProps, MetadataImage initial, Clock clock,
                          IsrChangeSink isrSink, ReplicationRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.nodeId = nodeId;
        this.logs = logs;
        this.brokerProps = Map.copyOf(brokerProps);
        this.config = ReplicaConfig.from(brokerProps);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.isrSink = Objects.requireNonNull(isrSink, "isrSink");
        this.image = initial;
        this.latest = initial;
        logs.storageErrorListener(this::onStorageError);
    }

    /** The partition if this node leads it (and its log directory is online), else null; see {@link #errorFor} for why not. */
    public Partition partition(TopicPartition tp) {
        Partition p = partitions.get(tp);
        return p != null && p.isLeader() && !logs.isOffline(p.log()) ? p : null;
    }

    /** The partition if this node hosts it, leader, follower or offline, else null. */
    public Partition replica(TopicPartition tp) {
        return partitions.get(tp);
    }

    /**
     * Why {@code tp} is not served here: unknown topic or partition; {@code KAFKA_STORAGE_ERROR} when this node
     * is a replica of it and its log directory is offline (or, not hosted, while a log directory is offline);
     * else another node leads it.
     */
    public Errors errorFor(TopicPartition tp) {
        TopicImage topic = image.topic(tp.topic());
        PartitionImage p = topic == null ? null : topic.partition(tp.partition());
        if (p == null) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        Partition hosted = partitions.get(tp);
        boolean offline = hosted != null ? logs.isOffline(hosted.log()) : !logs.offlineLogDirs().isEmpty();
        return offline && p.isReplica(nodeId) ? Errors.KAFKA_STORAGE_ERROR : Errors.NOT_LEADER_OR_FOLLOWER;
    }

    /**
     * A log met a storage error ({@link StorageErrorListener}): its directory goes offline, whether the
     * error was a full disk or a failure (see the class comment). Runs on the thread that met the error,
     * under the log's and perhaps the partition's locks: it only marks the directory (lock-free) and tells
     * the offline listeners; the partitions are stopped later, by {@link #reportOfflineLogDirs} or the next image.
     */
    void onStorageError(TopicPartition tp, Path logDir, StorageErrorListener.Kind kind, Exception cause) {
        if (logs.markLogDirOffline(logDir)) {
            LOG.error("Log directory {} is offline after a storage error of {} ({}: {}); its partitions answer "
                + "KAFKA_STORAGE_ERROR and their leaderships move, until this node restarts", logDir, tp, kind,
                String.valueOf(cause));
            offlineListeners.forEach(Runnable::run);
        }
    }

    /** Registers a listener told when a log directory goes offline (on the thread that met the error: it must not block). */
    public void onLogDirOffline(Runnable listener) {
        offlineListeners.add(listener);
    }

    /**
     * The log directories that are offline, for the heartbeat that tells the controller (Kafka's
     * {@code OfflineLogDirs}); first stops the partitions in them that still run: their roles end, their
     * fetchers are taken away, and requests waiting on them are answered.
     */
    public List<String> reportOfflineLogDirs() {
        Set<Path> offline = logs.offlineLogDirs();
        if (!offline.isEmpty()) {
            stopOfflinePartitions();
        }
        return offline.stream().map(Path::toString).sorted().toList();
    }

    /** Stops every hosted partition whose log directory is offline and was not stopped yet. */
    private synchronized void stopOfflinePartitions() {
        List<TopicPartition> stopped = new java.util.ArrayList<>();
        for (Partition partition : partitions.values()) {
            TopicPartition tp = partition.topicPartition();
            if (logs.isOffline(partition.log()) && stoppedOffline.add(tp)) {
                partition.stop();
                for (FollowerListener listener : followerListeners) {
                    listener.unfollow(tp);
                }
                stopped.add(tp);
            }
        }
        if (!stopped.isEmpty()) {
            LOG.warn("Stopped {} partitions of an offline log directory: {}", stopped.size(), stopped);
        }
        stopped.forEach(this::appended); // waiting produces and fetches answer now
    }

    /** The image the hosted partitions currently follow. */
    public MetadataImage image() {
        return image;
    }

    public int nodeId() {
        return nodeId;
    }

    public ReplicaConfig config() {
        return config;
    }

    /** The replication rules this node follows ({@link ReplicationRules#KAFKA} outside a simulation). */
    public ReplicationRules rules() {
        return rules;
    }

    /** Registers a listener told after every successful append (the fetch purgatory's trigger). */
    public void onAppend(Consumer<TopicPartition> listener) {
        appendListeners.add(listener);
    }

    /** Registers a listener told whenever a partition's high-water mark or ISR may have changed. */
    public void onHighWatermark(Consumer<TopicPartition> listener) {
        highWatermarkListeners.add(listener);
    }

    /** Registers the fetcher side; call before the first {@link #onImage}. */
    public void onFollowerChange(FollowerListener listener) {
        followerListeners.add(listener);
    }

    /** Tells the listeners that {@code tp} has new data (and perhaps a new high-water mark). */
    public void appended(TopicPartition tp) {
        for (Consumer<TopicPartition> listener : appendListeners) {
            listener.accept(tp);
        }
        highWatermarkMoved(tp);
    }

    /** Tells the listeners that {@code tp}'s high-water mark or ISR may have changed. */
    public void highWatermarkMoved(TopicPartition tp) {
        for (Consumer<TopicPartition> listener : highWatermarkListeners) {
            listener.accept(tp);
        }
    }

    /**
     * Whether a fetch that names itself replica {@code replicaId} at broker epoch {@code replicaEpoch} comes
     * from a follower of {@code partition}, which this node leads; only then may it read to the log end and
     * record its progress ({@link #onFollowerFetch}), which moves the high-water mark. As Kafka
     * ({@code Partition.followerReplicaOrThrow}, {@code Replica.updateFetchStateOrThrow}, KIP-903):
     * <ul>
     *   <li>not one of the partition's replicas (or this node itself): {@code UNKNOWN_LEADER_EPOCH} when the
     *       fetch names a leader epoch (the replica set may be catching up, the follower retries), else
     *       {@code NOT_LEADER_OR_FOLLOWER};</li>
     *   <li>a broker epoch other than the one the image registers for {@code replicaId}:
     *       {@code NOT_LEADER_OR_FOLLOWER}, the error Kafka gives a stale broker epoch.</li>
     * </ul>
     * Stricter than Kafka in one way: Kafka lets a fetch without a broker epoch (-1, or a version before 15)
     * through, and so lets any client that names a replica's id move the high-water mark; every Varve
     * follower sends its epoch, so a follower fetch without one is refused, and so is one whose epoch is
     * newer than the image knows (the follower retries once this node's metadata caught up).
     */
    public Errors followerFetchError(Partition partition, int replicaId, long replicaEpoch, int currentLeaderEpoch) {
        if (!partition.hasReplica(replicaId)) {
            return currentLeaderEpoch >= 0 ? Errors.UNKNOWN_LEADER_EPOCH : Errors.NOT_LEADER_OR_FOLLOWER;
        }
        BrokerRegistration registration = image.broker(replicaId);
        if (registration == null || replicaEpoch < 0 || registration.epoch() != replicaEpoch) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        return Errors.NONE;
    }

    /**
     * A follower's fetch reached this leader: records that follower {@code replicaId} has everything
     * below {@code fetchOffset}, and wakes waiting produces if the high-water mark moved.
     */
    public void onFollowerFetch(Partition partition, int replicaId, long fetchOffset) {
        if (partition.onFollowerFetch(replicaId, fetchOffset, clock.monotonicMs())) {
            highWatermarkMoved(partition.topicPartition());
        }
    }

    /**
     * Asks for every led partition whose ISR holds a follower that lagged past
     * {@code replica.lag.time.max.ms} to shrink it. Call it on a timer (Kafka: every half of that time).
     *
     * @return how many partitions asked the controller for a change
     */
    public int maybeShrinkIsrs() {
        long nowMs = clock.monotonicMs();
        int asked = 0;
        for (Partition p : partitions.values()) {
            if (p.maybeShrinkIsr(nowMs)) {
                asked++;
            }
        }
        return asked;
    }

    /** This incarnation's broker epoch, -1 until it registered: its followers send it in their fetches. */
    public long brokerEpoch() {
        return brokerEpoch;
    }

    /**
     * This incarnation registered with the controller as {@code brokerEpoch} (at start, and again if the
     * controller forgot it). Applies the latest image if it already holds that registration.
     */
    public synchronized void onRegistered(long brokerEpoch) throws IOException {
        this.brokerEpoch = brokerEpoch;
        onImage(latest);
    }

    /**
     * Brings the hosted partitions in line with {@code next}, once the metadata has caught up (see the
     * class comment; before that it is only recorded): opens logs for partitions this node is a replica
     * of, takes each one's role, leader epoch and ISR, hands followers to the fetchers, and deletes the
     * logs of partitions the previous applied image had here and this one does not (or of a topic
     * re-created under the same name with a new id). Called by one thread, in image order.
     */
    public synchronized void onImage(MetadataImage next) throws IOException {
        latest = next;
        boolean first = !caughtUp;
        if (first && !registeredAndUnfenced(next) && rules.follows(Rule.WAIT_FOR_CAUGHT_UP_METADATA)) {
            return;
        }
        caughtUp = true;
        Set<TopicPartition> wanted = new HashSet<>();
        Set<TopicPartition> removed = new HashSet<>();
        Set<TopicPartition> changed = new HashSet<>();
        long nowMs = clock.monotonicMs();
        for (TopicImage topic : next.topicsByName().values()) {
            int minIsr = config.minInsyncReplicas(topic.configs());
            for (PartitionImage p : topic.partitions().values()) {
                if (!p.isReplica(nodeId)) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                wanted.add(tp);
                Partition existing = partitions.get(tp);
                if (existing != null && !existing.topicId().equals(topic.topicId())) {
                    removePartition(tp, removed);
                    existing = null;
                }
                if (existing == null) {
                    existing = openOrSkip(tp, topic);
                    if (existing == null) {
                        continue; // tried again with the next image; its log on disk, if any, stays
                    }
                    partitions.put(tp, existing);
                }
                if (logs.isOffline(existing.log())) {
                    continue; // stopped below; it leads and follows nothing until the node restarts
                }
                PartitionImage effective = withUsableLeader(next, p);
                if (existing.apply(effective, minIsr, nowMs)) {
                    roleChanged(existing, next);
                }
                changed.add(tp);
            }
        }
        for (TopicPartition tp : Set.copyOf(partitions.keySet())) {
            if (!wanted.contains(tp)) {
                removePartition(tp, removed);
            }
        }
        stopOfflinePartitions();
        if (first) {
            LOG.info("Node {} caught up with the metadata at offset {} (broker epoch {}): hosting {} partitions",
                nodeId, next.lastAppliedOffset(), brokerEpoch, wanted.size());
            for (PartitionLog log : logs.allLogs()) {
                // Deleted or moved away while this node was down, or never assigned here: set aside, never deleted.
                if (!wanted.contains(log.topicPartition())) {
                    if (rules.follows(Rule.WAIT_FOR_CAUGHT_UP_METADATA)) {
                        logs.markStray(log.topicPartition());
                    } else {
                        logs.deleteLog(log.topicPartition());
                        LOG.info("Deleted the log of {}: the metadata names no replica of it here", log.topicPartition());
                    }
                }
            }
        }
        image = next;
        // Woken only now, so that waiting requests answer with the error the new image gives.
        removed.forEach(this::appended);
        changed.forEach(this::highWatermarkMoved);
    }

    /** Whether {@code next} holds this incarnation's registration, unfenced: the metadata has caught up. */
    private boolean registeredAndUnfenced(MetadataImage next) {
        BrokerRegistration self = next.broker(nodeId);
        return brokerEpoch >= 0 && self != null && self.epoch() == brokerEpoch && !self.fenced();
    }

    /**
     * {@link #open}, or null, with a warning, when the log directory refuses (a full disk, a read-only
     * file system): one partition that cannot be opened must not stop the image, or every later image,
     * from reaching the others (the metadata path never wedges on a data-dir error).
     */
    private Partition openOrSkip(TopicPartition tp, TopicImage topic) {
        if (logs.offlineLogDirs().size() == logs.logDirs().size()) {
            return null; // every log directory is offline: nothing can be hosted until the node restarts
        }
        try {
            return open(tp, topic);
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("{}: cannot open its log ({}); not hosted here until a later image finds the log directory usable",
                tp, e.toString());
            return null;
        }
    }

    /**
     * The log of a partition this node starts hosting: the one on disk, unless that one belongs to an
     * earlier topic of the same name (its {@code partition.metadata} names another id), which is set aside.
     */
    private Partition open(TopicPartition tp, TopicImage topic) throws IOException {
        Optional<PartitionLog> onDisk = logs.getLog(tp);
        Optional<UUID> storedId = onDisk.isPresent() ? PartitionMetadataFile.read(onDisk.get().dir()) : Optional.empty();
        if (storedId.isPresent() && !storedId.get().equals(topic.topicId())) {
            LOG.warn("{}: the log on disk belongs to topic id {}, not {}", tp, storedId.get(), topic.topicId());
            logs.markStray(tp);
            storedId = Optional.empty();
        }
        PartitionLog log = logs.getOrCreateLog(tp, TopicConfigs.logConfig(brokerProps, topic.configs()));
        if (storedId.isEmpty()) {
            PartitionMetadataFile.write(log.dir(), topic.topicId());
        }
        return new Partition(tp, topic.topicId(), log, nodeId, config.lagTimeMaxMs(), isrSink, rules,
            () -> highWatermarkMoved(tp));
    }

    /**
     * The image's partition, leaderless when its leader is fenced or unknown, or is this node while the
     * image does not hold this incarnation's registration unfenced (it restarted, or its lease ran out).
     */
    private PartitionImage withUsableLeader(MetadataImage next, PartitionImage p) {
        if (p.leader() == PartitionImage.NO_LEADER) {
            return p;
        }
        if (p.leader() == nodeId ? registeredAndUnfenced(next) : isUnfenced(next.broker(p.leader()))) {
            return p;
        }
        return new PartitionImage(p.partitionIndex(), PartitionImage.NO_LEADER, p.leaderEpoch(), p.replicas(), p.isr(),
            p.partitionEpoch());
    }

    private static boolean isUnfenced(BrokerRegistration broker) {
        return broker != null && !broker.fenced();
    }

    private void roleChanged(Partition partition, MetadataImage next) {
        TopicPartition tp = partition.topicPartition();
        LOG.info("{} is now {} at leader epoch {} (leader {})", tp, partition.role(), partition.leaderEpoch(),
            partition.leaderId());
        for (FollowerListener listener : followerListeners) {
            if (partition.role() == Partition.Role.FOLLOWER) {
                listener.follow(partition, next.broker(partition.leaderId()));
            } else {
                listener.unfollow(tp);
            }
        }
    }

    private void removePartition(TopicPartition tp, Set<TopicPartition> removed) throws IOException {
        Partition partition = partitions.remove(tp);
        if (partition != null) {
            partition.stop();
            for (FollowerListener listener : followerListeners) {
                listener.unfollow(tp);
            }
            stoppedOffline.remove(tp);
            try {
                logs.deleteLog(tp);
                LOG.info("Deleted the log of {}: this node no longer replicates it", tp);
            } catch (IOException | java.io.UncheckedIOException e) {
                if (!logs.isOffline(partition.log())) {
                    throw e;
                }
                // An offline directory may refuse; deleting is best effort there, and the metadata path goes on.
                LOG.warn("{}: not deleted from its offline log directory: {}", tp, e.toString());
            }
            removed.add(tp);
        }
    }

    /** Every hosted partition, whatever its role. */
    public Collection<Partition> partitions() {
        return partitions.values();
    }

    /** Led partitions whose ISR is smaller than their replica set (for the under-replicated gauge). */
    public int underReplicatedCount() {
        int n = 0;
        for (Partition p : partitions.values()) {
            if (p.isUnderReplicated()) {
                n++;
            }
        }
        return n;
    }

    /** The partitions this node leads, a snapshot. */
    public List<Partition> leaders() {
        return partitions.values().stream().filter(Partition::isLeader).toList();
    }
}
