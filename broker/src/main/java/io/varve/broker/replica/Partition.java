package io.varve.broker.replica;

import io.varve.broker.replica.ReplicationRules.Rule;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.raft.metadata.PartitionImage;
import io.varve.storage.AppendResult;
import io.varve.storage.LogSlice;
import io.varve.storage.PartitionLog;
import io.varve.storage.checkpoint.EpochEndOffset;
import io.varve.storage.checkpoint.EpochEntry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.agrona.DirectBuffer;

/**
 * One partition this broker hosts, as leader or follower (Leader and Followers): its log, the role and
 * leader epoch the metadata image gives it, the ISR, and the high-water mark (High-Water Mark).
 *
 * <p><b>Roles.</b> {@link Role#LEADER}: appends produce batches stamped with its leader epoch, tracks
 * every follower's log end offset from its fetches ({@link #onFollowerFetch}), and moves the high-water
 * mark to the minimum log end offset of the ISR, leader included (and of a member an in-flight ISR change
 * adds), while the ISR holds at least {@code min.insync.replicas}. It asks the controller to drop a follower that has not caught up for
 * {@code replica.lag.time.max.ms} ({@link #maybeShrinkIsr}) and to re-admit one that reached the
 * high-water mark. {@link Role#FOLLOWER}: copies the leader's batches ({@link #appendAsFollower}), takes
 * the leader's high-water mark bounded by its own log end, and truncates where the leader says its log
 * diverged. {@link Role#OFFLINE}: leaderless or led by a fenced broker; the log is kept, nothing moves.
 * Legal transitions: any role to any other, each on a new image; a role change to leader or follower
 * needs a leader epoch at least the current one.
 *
 * <p><b>Thread-safety.</b> Thread-safe. Appends as leader hold the read side of the role lock, role
 * changes and truncation the write side, so no leader append lands in a log that has become a
 * follower's. The follower and ISR state is guarded by this object's monitor; the high-water mark and
 * role are volatile for lock-free reads by fetches. Time is always the caller's {@code nowMs}.
 */
public final class Partition {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Partition.class);

    /** This broker's role for the partition. */
    public enum Role { LEADER, FOLLOWER, OFFLINE }

    /** The outcome of a leader append: a refusal before the log was touched, or the log's result. */
    public record LeaderAppend(Errors refusal, AppendResult result) {
    }

    /** Where a follower fetches from next: its log end and the epoch of its last batch (-1 when empty). */
    public record FetchPosition(long fetchOffset, int lastFetchedEpoch) {
    }

    private final TopicPartition topicPartition;
    private final UUID topicId;
    private final PartitionLog log;
    private final int localId;
    private final long lagTimeMaxMs;
    private final IsrChangeSink isrSink;
    private final ReentrantReadWriteLock roleLock = new ReentrantReadWriteLock();
    /** Follower progress, by node id; leader only. Guarded by this. */
    private final Map<Integer, FollowerState> followers = new HashMap<>();

    private volatile Role role = Role.OFFLINE;
    private volatile int leaderId = PartitionImage.NO_LEADER;
    private volatile int leaderEpoch;
    private volatile int partitionEpoch;
    private volatile int[] replicas = new int[0];
    private volatile int[] isr = new int[0];
    private volatile int minInsyncReplicas = 1;
    private volatile long highWatermark;
    /** An AlterPartition sent and not yet answered: at most one at a time. Guarded by this. */
    private boolean isrChangeInFlight;
    /**
     * The ISR and the members an in-flight change would add (KIP-497's maximal ISR): the high-water mark
     * waits for all of them, because the controller may commit the expansion at any moment, and a member
     * it adds must already hold every record acknowledged by then. Equal to {@link #isr} when nothing is
     * in flight. Guarded by this.
     */
    private int[] maximalIsr = new int[0];

    private final ReplicationRules rules;
    /** Told when the controller's answer to an ISR change moved the high-water mark (waiting produces complete). */
    private final Runnable highWatermarkMoved;

    Partition(TopicPartition topicPartition, UUID topicId, PartitionLog log, int localId, long lagTimeMaxMs,
              IsrChangeSink isrSink, ReplicationRules rules, Runnable highWatermarkMoved) {
        this.rules = rules;
        this.highWatermarkMoved = highWatermarkMoved;
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.localId = localId;
        this.lagTimeMaxMs = lagTimeMaxMs;
        this.isrSink = isrSink;
        // No high-water mark checkpoint yet: start at the log start and learn it again (leader: from the ISR).
        this.highWatermark = log.logStartOffset();
    }

    // ---------------------------------------------------------------------------------------------
    // Role changes (the metadata thread)
    // ---------------------------------------------------------------------------------------------

    /**
     * Takes the image's state for this partition. Returns true when the role or leader epoch changed
     * (the caller starts or stops fetching). A new leader starts every follower as caught up now, so that
     * none is dropped before it had {@code replica.lag.time.max.ms} to fetch, and opens its epoch in the
     * leader-epoch cache at its log end, so that a follower of an older epoch learns where it diverged.
     */
    boolean apply(PartitionImage image, int minIsr, long nowMs) {
        Role next = image.leader() == localId ? Role.LEADER
            : image.leader() == PartitionImage.NO_LEADER ? Role.OFFLINE : Role.FOLLOWER;
        roleLock.writeLock().lock();
        try {
            synchronized (this) {
                boolean changed = next != role || image.leaderEpoch() != leaderEpoch || image.leader() != leaderId;
                // An image older than an ISR change the controller already confirmed to this leader does not
                // take the ISR back: the controller committed the newer one (Kafka's leader does the same).
                boolean stale = !changed && image.partitionEpoch() < partitionEpoch;
                if (image.partitionEpoch() != partitionEpoch && !stale) {
                    isrChangeInFlight = false; // the partition changed: whatever was asked is decided
                }
                replicas = image.replicas();
                if (!stale) {
                    isr = image.isr();
                    partitionEpoch = image.partitionEpoch();
                }
                if (!isrChangeInFlight) {
                    maximalIsr = isr;
                }
                minInsyncReplicas = minIsr;
                if (changed) {
                    role = next;
                    leaderId = image.leader();
                    leaderEpoch = image.leaderEpoch();
                    followers.clear();
                    if (next == Role.LEADER) {
                        becomeLeader();
                    } else if (next == Role.FOLLOWER && !rules.follows(Rule.TRUNCATE_ONLY_WHERE_DIVERGED)) {
                        log.truncateTo(highWatermark); // planted: Kafka's truncation before KIP-101
                    }
                }
                if (next == Role.LEADER) {
                    for (int replica : replicas) {
                        if (replica != localId) {
                            followers.computeIfAbsent(replica, id -> new FollowerState(nowMs));
                        }
                    }
                    maybeIncrementHighWatermark();
                }
                return changed;
            }
        } finally {
            roleLock.writeLock().unlock();
        }
    }

    private void becomeLeader() {
        OptionalInt latest = log.leaderEpochCache().latestEpoch();
        if (latest.isEmpty() || latest.getAsInt() < leaderEpoch) {
            try {
                log.leaderEpochCache().assign(leaderEpoch, log.logEndOffset());
            } catch (java.io.UncheckedIOException e) {
                // A full disk refused the checkpoint: the first append of this epoch records it instead
                // (and is refused too while the disk stays full). Leading does not wait for it.
                LOG.warn("{}: leader epoch {} not checkpointed yet: {}", topicPartition, leaderEpoch, e.toString());
            }
        }
    }

    /** A partition this broker no longer hosts: stops leading and fetching; the caller deletes the log. */
    void stop() {
        roleLock.writeLock().lock();
        try {
            synchronized (this) {
                role = Role.OFFLINE;
                followers.clear();
            }
        } finally {
            roleLock.writeLock().unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Leader
    // ---------------------------------------------------------------------------------------------

    /** Appends a produce request's batches, stamping offsets and this leader's epoch; throws when not leader. */
    public AppendResult appendAsLeader(DirectBuffer records, int offset, int length) {
        LeaderAppend append = appendAsLeader(records, offset, length, false);
        if (append.refusal() != Errors.NONE) {
            throw new IllegalStateException(topicPartition + " refused a leader append: " + append.refusal());
        }
        return append.result();
    }

    /**
     * Appends as leader: {@link Errors#NOT_LEADER_OR_FOLLOWER} when this broker no longer leads, and for
     * {@code acksAll} {@link Errors#NOT_ENOUGH_REPLICAS} when the ISR is below {@code min.insync.replicas}
     * (nothing is written). A written batch may move the high-water mark (an ISR of the leader alone).
     */
    public LeaderAppend appendAsLeader(DirectBuffer records, int offset, int length, boolean acksAll) {
        roleLock.readLock().lock();
        try {
            if (role != Role.LEADER) {
                return new LeaderAppend(Errors.NOT_LEADER_OR_FOLLOWER, null);
            }
            if (acksAll && isr.length < minInsyncReplicas && rules.follows(Rule.MIN_INSYNC_REPLICAS_ENFORCED)) {
                return new LeaderAppend(Errors.NOT_ENOUGH_REPLICAS, null);
            }
            AppendResult result = log.append(records, offset, length, leaderEpoch);
            if (result.isOk()) {
                synchronized (this) {
                    maybeIncrementHighWatermark();
                }
            }
            return new LeaderAppend(Errors.NONE, result);
        } finally {
            roleLock.readLock().unlock();
        }
    }

    /**
     * Where a follower's log diverges from this leader's, or null when it does not: the follower says it
     * ends at {@code fetchOffset} with a last batch of epoch {@code lastFetchedEpoch}; if this leader's
     * log has no such epoch, or that epoch ends here before {@code fetchOffset}, the answer is the largest
     * epoch at or below it and that epoch's end offset here (Kafka's Fetch diverging epoch).
     */
    public EpochEndOffset divergence(long fetchOffset, int lastFetchedEpoch) {
        if (lastFetchedEpoch < 0) {
            return null;
        }
        EpochEndOffset end = log.leaderEpochCache().endOffsetFor(lastFetchedEpoch, log.logEndOffset());
        if (end.epoch() < lastFetchedEpoch || end.endOffset() < fetchOffset) {
            return end;
        }
        return null;
    }

    /**
     * A fetch from follower {@code replicaId} at {@code fetchOffset} (its log end) at {@code nowMs}:
     * records its progress, re-admits it to the ISR once it reached the high-water mark, and moves the
     * high-water mark. Returns true when the high-water mark moved (waiting produces may complete).
     */
    public synchronized boolean onFollowerFetch(int replicaId, long fetchOffset, long nowMs) {
        FollowerState follower = followers.get(replicaId);
        if (role != Role.LEADER || follower == null) {
            return false;
        }
        long leaderEnd = log.logEndOffset();
        if (fetchOffset >= leaderEnd) {
            follower.lastCaughtUpMs = nowMs;
        } else if (fetchOffset >= follower.lastFetchLeaderEndOffset) {
            // It has what this leader had at its previous fetch: caught up as of then.
            follower.lastCaughtUpMs = Math.max(follower.lastCaughtUpMs, follower.lastFetchMs);
        }
        follower.logEndOffset = fetchOffset;
        follower.lastFetchLeaderEndOffset = leaderEnd;
        follower.lastFetchMs = nowMs;
        boolean caughtUp = fetchOffset >= highWatermark && fetchOffset >= epochStartOffset();
        if (!contains(isr, replicaId) && (caughtUp || !rules.follows(Rule.ADMIT_ONLY_CAUGHT_UP_FOLLOWERS))) {
            proposeIsr(with(isr, replicaId));
        }
        return maybeIncrementHighWatermark();
    }

    /**
     * Asks the controller to drop every ISR follower that has not caught up with this leader's log end
     * for longer than {@code replica.lag.time.max.ms} at {@code nowMs}. Returns whether a change was sent.
     */
    public synchronized boolean maybeShrinkIsr(long nowMs) {
        if (role != Role.LEADER || isrChangeInFlight) {
            return false;
        }
        int[] kept = Arrays.stream(isr).filter(id -> {
            FollowerState f = followers.get(id);
            return id == localId || f == null || nowMs - f.lastCaughtUpMs <= lagTimeMaxMs;
        }).toArray();
        if (kept.length == isr.length) {
            return false;
        }
        proposeIsr(kept);
        return true;
    }

    private void proposeIsr(int[] newIsr) {
        if (isrChangeInFlight) {
            return;
        }
        isrChangeInFlight = true;
        maximalIsr = union(isr, newIsr);
        int epochSent = partitionEpoch;
        isrSink.alterPartition(topicId, topicPartition.partition(), localId, leaderEpoch, newIsr, epochSent)
            .whenComplete((error, failure) -> {
                boolean moved;
                synchronized (Partition.this) {
                    if (partitionEpoch != epochSent || role != Role.LEADER) {
                        return; // an image already decided it
                    }
                    if (failure == null && error == Errors.NONE) {
                        // Committed as the partition epoch plus one: take it now, as Kafka's leader takes
                        // the AlterPartition answer, not when this node's image catches up. Until then an
                        // older image must not shrink the ISR back, or acks would skip a member just added.
                        isr = newIsr;
                        partitionEpoch = epochSent + 1;
                    }
                    isrChangeInFlight = false;
                    maximalIsr = isr;
                    moved = maybeIncrementHighWatermark();
                }
                if (moved) {
                    highWatermarkMoved.run(); // outside the monitor: the listeners complete waiting requests
                }
            });
    }

    /** Where this leader's current epoch starts: a follower below it has not yet caught up with this leader. */
    private long epochStartOffset() {
        for (EpochEntry entry : log.leaderEpochCache().entries()) {
            if (entry.epoch() == leaderEpoch) {
                return entry.startOffset();
            }
        }
        return log.logEndOffset();
    }

    /**
     * Moves the high-water mark to the minimum log end offset of the ISR, forward only, while the ISR
     * holds at least {@code min.insync.replicas}. A follower whose log end is not yet known (no fetch
     * since this broker became leader) holds it back. Caller holds this monitor.
     */
    private boolean maybeIncrementHighWatermark() {
        if (role != Role.LEADER || (isr.length < minInsyncReplicas && rules.follows(Rule.MIN_INSYNC_REPLICAS_ENFORCED))) {
            return false;
        }
        long min = log.logEndOffset();
        for (int id : maximalIsr) {
            if (id == localId) {
                continue;
            }
            FollowerState f = followers.get(id);
            long end = f == null ? -1 : f.logEndOffset;
            min = rules.follows(Rule.HIGH_WATERMARK_IS_ISR_MINIMUM) ? Math.min(min, end) : Math.max(min, end);
        }
        if (min > highWatermark) {
            highWatermark = min;
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------
    // Follower
    // ---------------------------------------------------------------------------------------------

    /** The offset and last epoch a follower's next fetch sends. */
    public FetchPosition fetchPosition() {
        OptionalInt latest = log.leaderEpochCache().latestEpoch();
        return new FetchPosition(log.logEndOffset(),
            rules.follows(Rule.SEND_LAST_FETCHED_EPOCH) ? latest.orElse(-1) : -1);
    }

    /**
     * Appends the leader's batches with their offsets and epochs, then takes the leader's high-water
     * mark bounded by this log's end. Refused ({@link Errors#NOT_LEADER_OR_FOLLOWER}) unless following
     * {@code epoch}.
     */
    public Errors appendAsFollower(DirectBuffer records, int offset, int length, long leaderHighWatermark, int epoch) {
        roleLock.readLock().lock();
        try {
            if (role != Role.FOLLOWER || epoch != leaderEpoch) {
                return Errors.NOT_LEADER_OR_FOLLOWER;
            }
            if (length > 0) {
                AppendResult result = log.appendAsFollower(records, offset, length);
                if (!result.isOk()) {
                    return result.error() == AppendResult.AppendError.STORAGE_FAILED
                        || result.error() == AppendResult.AppendError.STORAGE_FULL
                        ? Errors.KAFKA_STORAGE_ERROR : Errors.CORRUPT_MESSAGE;
                }
            }
            followerHighWatermark(leaderHighWatermark);
            return Errors.NONE;
        } finally {
            roleLock.readLock().unlock();
        }
    }

    private void followerHighWatermark(long leaderHighWatermark) {
        long next = Math.min(leaderHighWatermark, log.logEndOffset());
        if (next > highWatermark || !rules.follows(Rule.FOLLOWER_HIGH_WATERMARK_ONLY_FORWARD)) {
            highWatermark = next;
        }
    }

    /**
     * The leader says this log diverged ({@code diverging}: the largest epoch the leader knows at or below
     * the follower's last fetched one, and where that epoch ends on the leader): truncates to the smaller
     * of that end and this log's own end of the same epoch. Refused (nothing truncated) unless following
     * at {@code epoch}. Returns the new log end.
     */
    public long truncateOnDivergence(EpochEndOffset diverging, int epoch) {
        roleLock.writeLock().lock();
        try {
            if (role != Role.FOLLOWER || epoch != leaderEpoch) {
                return log.logEndOffset();
            }
            // Our own end of that epoch (or of the largest below it): the smaller of the two ends, as Kafka
            // truncates (KIP-101, KIP-595); a further divergence below it is found by the next fetch.
            EpochEndOffset local = log.leaderEpochCache().endOffsetFor(diverging.epoch(), log.logEndOffset());
            long target = local.endOffset() >= 0 ? Math.min(diverging.endOffset(), local.endOffset()) : diverging.endOffset();
            if (target < 0) {
                target = log.logStartOffset();
            }
            if (!rules.follows(Rule.TRUNCATE_ONLY_WHERE_DIVERGED)) {
                target = highWatermark;
            }
            if (target >= log.logEndOffset() && !rules.follows(Rule.DROP_EMPTY_EPOCHS_AT_LOG_END)) {
                return log.logEndOffset();
            }
            log.truncateTo(target);
            highWatermark = Math.min(highWatermark, log.logEndOffset());
            return log.logEndOffset();
        } finally {
            roleLock.writeLock().unlock();
        }
    }

    /** The leader no longer has the follower's offset (retention moved its start): restart the log there. */
    public void restartAt(long leaderLogStartOffset, int epoch) {
        roleLock.writeLock().lock();
        try {
            if (role == Role.FOLLOWER && epoch == leaderEpoch) {
                log.truncateFullyAndStartAt(leaderLogStartOffset);
                highWatermark = leaderLogStartOffset;
            }
        } finally {
            roleLock.writeLock().unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Reads and state
    // ---------------------------------------------------------------------------------------------

    /** Whole batches from {@code offset}, at most {@code maxBytes} (one batch always); the caller bounds by HWM or LEO. */
    public LogSlice read(long offset, int maxBytes) {
        return log.read(offset, maxBytes);
    }

    public long highWatermark() {
        return highWatermark;
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }

    public long logEndOffset() {
        return log.logEndOffset();
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public int leaderId() {
        return leaderId;
    }

    public Role role() {
        return role;
    }

    public boolean isLeader() {
        return role == Role.LEADER;
    }

    /** The replicas, in the image's order. */
    public int[] replicas() {
        return replicas.clone();
    }

    /** Whether {@code nodeId} is one of the replicas: only those fetch as followers, up to the log end. */
    public boolean hasReplica(int nodeId) {
        return nodeId != localId && contains(replicas, nodeId);
    }

    /** The ISR the controller last committed. */
    public int[] isr() {
        return isr.clone();
    }

    public int isrSize() {
        return isr.length;
    }

    /** A leader whose ISR is smaller than its replica set (Kafka's UnderReplicatedPartitions). */
    public boolean isUnderReplicated() {
        return role == Role.LEADER && isr.length < replicas.length;
    }

    /** The ISR is below {@code min.insync.replicas}: acks=all produces are refused. */
    public boolean isBelowMinIsr() {
        return isr.length < minInsyncReplicas;
    }

    public int partitionEpoch() {
        return partitionEpoch;
    }

    /** Follower {@code replicaId}'s log end as this leader last saw it, -1 when unknown. */
    public synchronized long followerLogEndOffset(int replicaId) {
        FollowerState f = followers.get(replicaId);
        return f == null ? -1 : f.logEndOffset;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public UUID topicId() {
        return topicId;
    }

    public PartitionLog log() {
        return log;
    }

    private static boolean contains(int[] ids, int id) {
        for (int x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }

    private static int[] union(int[] a, int[] b) {
        return java.util.stream.IntStream.concat(Arrays.stream(a), Arrays.stream(b)).distinct().sorted().toArray();
    }

    private static int[] with(int[] ids, int id) {
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = id;
        return out;
    }

    @Override
    public String toString() {
        return "Partition{" + topicPartition + ", " + role + ", leader=" + leaderId + ", epoch=" + leaderEpoch
            + ", isr=" + Arrays.toString(isr) + ", hwm=" + highWatermark + ", leo=" + logEndOffset() + '}';
    }

    /** A follower's progress as its leader sees it. */
    private static final class FollowerState {
        long logEndOffset = -1;
        long lastCaughtUpMs;
        long lastFetchLeaderEndOffset = -1;
        long lastFetchMs;

        FollowerState(long nowMs) {
            this.lastCaughtUpMs = nowMs;
            this.lastFetchMs = nowMs;
        }
    }
}
