package io.varve.raft.controller;

import io.varve.common.Clock;
import io.varve.protocol.Errors;
import io.varve.raft.log.AppendOutcome;
import io.varve.raft.log.LocalQuorum;
import io.varve.raft.log.LogCompactedException;
import io.varve.raft.log.MetadataQuorum;
import io.varve.raft.metadata.MetadataDelta;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The controller the broker calls: each command is decided by the {@link ControllerStateMachine}
 * against the current image, its records are appended to the {@link MetadataQuorum} and committed
 * (fsynced, for the one-voter {@link LocalQuorum}), then applied to make the next
 * {@link MetadataImage}, and only then answered. Commands with nothing to write (validateOnly, every
 * entry refused, a registration that changes nothing) touch no disk.
 *
 * <p>When the quorum cannot commit, every entry that would have succeeded answers
 * {@link Errors#NOT_CONTROLLER} (the quorum failed: this node can decide nothing more, and with Raft
 * another node would take over) or {@link Errors#POLICY_VIOLATION} (the change is too large for one
 * batch); the image does not change. After a failed fsync the records may still be on disk and
 * reappear after a restart: a client told NOT_CONTROLLER must treat the outcome as unknown.
 *
 * <p>Broker liveness: {@link #registerBroker} starts a new incarnation (fenced, its broker epoch the
 * offset of its registration record), {@link #brokerHeartbeat} renews its lease and unfences it or
 * drains it for a controlled shutdown, and {@link #tick} fences brokers whose lease
 * ({@code broker.session.timeout.ms}) ran out. Leases are this object's memory, never in the log: a
 * node that becomes the active controller calls {@link #onBecomeActive}, which catches up with the log
 * ({@link #catchUp}) and grants every broker a fresh lease. Time is always the caller's {@code nowMs},
 * read once per event from the node's clock.
 *
 * <p>Not thread-safe: it must be driven by one thread, the controller's event loop (the broker wraps
 * it in a Singular Update Queue). {@link #image()} may be read from that thread only; other threads
 * read the image the broker publishes.
 */
public final class Controller implements AutoCloseable {

    /** Replays restarted because a snapshot moved the log start under them, before giving up. */
    private static final int MAX_REPLAY_ATTEMPTS = 8;

    private final MetadataQuorum quorum;
    private final ControllerStateMachine stateMachine;
    private final BrokerLeases leases;
    private MetadataImage image;

    /**
     * Replays every committed record of {@code quorum} into the image of cluster {@code clusterId}.
     *
     * @throws io.varve.raft.metadata.CorruptMetadataException or {@link IllegalStateException} if the
     *         log does not decode or does not apply: the node must not start
     */
    public Controller(MetadataQuorum quorum, String clusterId, ControllerConfig config, Random random) {
        this.quorum = Objects.requireNonNull(quorum, "quorum");
        this.stateMachine = new ControllerStateMachine(config, random);
        this.leases = new BrokerLeases(config.brokerSessionTimeoutMs());
        this.image = replay(quorum, MetadataImage.empty(clusterId));
    }

    /**
     * Opens the one-voter metadata log in {@code metadataDir} (its {@code __cluster_metadata-0}
     * subdirectory), recovers it, and replays it.
     *
     * @param clusterId the {@code cluster.id} of the node's {@code meta.properties}
     * @param random    the node's seeded random: topic ids
     */
    public static Controller open(Path metadataDir, String clusterId, ControllerConfig config, Clock clock,
                                  Random random) throws IOException {
        LocalQuorum quorum = LocalQuorum.open(metadataDir, config.metadataLogConfig(), clock);
        try {
            return new Controller(quorum, clusterId, config, random);
        } catch (RuntimeException e) {
            quorum.close();
            throw e;
        }
    }

    /**
     * The image of everything committed, as a new broker (or a restart) would build it from the log.
     * When a Raft snapshot replaced the records after {@code base} (a restart, a snapshot installed
     * from the leader, or a reader that fell behind the log start), it starts from the snapshot's
     * image instead: the quorum path's way of restoring the image.
     */
    public static MetadataImage replay(MetadataQuorum quorum, MetadataImage base) {
        for (int attempt = 0; ; attempt++) {
            MetadataImage start = base;
            MetadataImage snapshot = quorum.snapshotImageBelow(base.lastAppliedOffset() + 1);
            if (snapshot != null && snapshot.lastAppliedOffset() > base.lastAppliedOffset()) {
                start = snapshot;
            }
            MetadataDelta delta = new MetadataDelta(start);
            try {
                quorum.read(start.lastAppliedOffset() + 1, delta::replay);
                return delta.apply();
            } catch (LogCompactedException e) {
                // A snapshot was taken between the check and the read: start over from it, a bounded number of times.
                if (attempt >= MAX_REPLAY_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** The image after every committed command. */
    public MetadataImage image() {
        return image;
    }

    /** See {@link ControllerStateMachine#createTopics}. */
    public ControllerReply<List<CreateTopicResult>> createTopics(List<NewTopic> topics, boolean validateOnly) {
        ControllerResult<List<CreateTopicResult>> result = stateMachine.createTopics(image, topics, validateOnly);
        return commit(result, (error, message) -> mapAll(result.response(), r -> r.orFail(error, message)));
    }

    /** See {@link ControllerStateMachine#createPartitions}. */
    public ControllerReply<List<CreatePartitionsResult>> createPartitions(List<NewPartitions> topics, boolean validateOnly) {
        ControllerResult<List<CreatePartitionsResult>> result = stateMachine.createPartitions(image, topics, validateOnly);
        return commit(result, (error, message) -> mapAll(result.response(), r -> r.orFail(error, message)));
    }

    /** See {@link ControllerStateMachine#deleteTopics}. */
    public ControllerReply<List<DeleteTopicResult>> deleteTopics(List<TopicRef> topics) {
        ControllerResult<List<DeleteTopicResult>> result = stateMachine.deleteTopics(image, topics);
        return commit(result, (error, message) -> mapAll(result.response(), r -> r.orFail(error, message)));
    }

    /** See {@link ControllerStateMachine#allocateProducerIds}. */
    public ControllerReply<ProducerIdBlock> allocateProducerIds(int nodeId) {
        ControllerResult<ProducerIdBlock> result = stateMachine.allocateProducerIds(image, nodeId);
        return commit(result, (error, message) -> result.response().orFail(error));
    }

    /** See {@link ControllerStateMachine#alterPartition}: a leader's ISR change (AlterPartition's receiving end). */
    public ControllerReply<AlterPartitionResult> alterPartition(UUID topicId, int partition, int leaderId,
                                                                int leaderEpoch, int[] newIsr, int partitionEpoch) {
        ControllerResult<AlterPartitionResult> result =
            stateMachine.alterPartition(image, topicId, partition, leaderId, leaderEpoch, newIsr, partitionEpoch);
        return commit(result, (error, message) -> result.response().orFail(error));
    }

    /**
     * Registers a new incarnation of broker {@code nodeId} (see {@link ControllerStateMachine#registerBroker})
     * and starts its lease at {@code nowMs}. The result carries the broker epoch that its heartbeats
     * must quote: the offset of its registration record.
     */
    public ControllerReply<RegisterBrokerResult> registerBroker(int nodeId, String host, int port, String rack,
                                                                long nowMs) {
        ControllerResult<RegisterBrokerResult> result = stateMachine.registerBroker(image, nodeId, host, port, rack);
        ControllerReply<RegisterBrokerResult> reply =
            commit(result, (error, message) -> result.response().orFail(error, message));
        if (reply.response().error() != Errors.NONE) {
            return reply;
        }
        leases.renew(nodeId, nowMs);
        return new ControllerReply<>(reply.response().withEpoch(image.broker(nodeId).epoch()), image);
    }

    /**
     * A broker's heartbeat at {@code nowMs}: renews its lease, unfences it, or drains it for a
     * controlled shutdown (see {@link ControllerStateMachine#brokerHeartbeat}). HeartBeat's receiving
     * end; the broker sends one every {@code broker.heartbeat.interval.ms}.
     */
    public ControllerReply<HeartbeatResult> brokerHeartbeat(int nodeId, long brokerEpoch, long nowMs,
                                                            boolean wantShutDown) {
        return brokerHeartbeat(nodeId, brokerEpoch, nowMs, wantShutDown, false);
    }

    /**
     * A heartbeat that may report a log directory offline ({@code logDirOffline}): its leaderships move
     * and it leaves the ISRs, as {@link ControllerStateMachine#brokerHeartbeat(MetadataImage, int, long,
     * boolean, boolean)} says; the lease is renewed all the same.
     */
    public ControllerReply<HeartbeatResult> brokerHeartbeat(int nodeId, long brokerEpoch, long nowMs,
                                                            boolean wantShutDown, boolean logDirOffline) {
        ControllerResult<HeartbeatResult> result = stateMachine.brokerHeartbeat(image, nodeId, brokerEpoch, wantShutDown,
            logDirOffline);
        ControllerReply<HeartbeatResult> reply = commit(result, (error, message) -> result.response().orFail(error));
        if (reply.response().error() == Errors.NONE) {
            leases.renew(nodeId, nowMs);
        }
        return reply;
    }

    /**
     * Fences every unfenced broker whose lease ({@code broker.session.timeout.ms}) has run out at
     * {@code nowMs}, moving its leaderships ({@link ControllerStateMachine#fenceBrokers}). The driver
     * calls it on its timer, no later than {@link #nextLeaseExpiryMs()}; a call with nothing expired
     * writes nothing. The response is null: the outcome is in the image.
     */
    public ControllerReply<Void> tick(long nowMs) {
        List<Integer> expired = leases.expired(image, nowMs);
        if (expired.isEmpty()) {
            return new ControllerReply<>(null, image);
        }
        return commit(stateMachine.fenceBrokers(image, expired), (error, message) -> null);
    }

    /** When the first lease runs out, for the driver's timer; {@link Long#MAX_VALUE} when no broker holds one. */
    public long nextLeaseExpiryMs() {
        return leases.nextExpiryMs(image);
    }

    /**
     * Applies the records committed since {@link MetadataImage#lastAppliedOffset()} (written by another
     * controller, or by this one as leader before a restart), reading them from the quorum.
     *
     * @return the image after them
     */
    public MetadataImage catchUp() {
        // Same image when nothing new is committed, so callers can tell "changed" by identity.
        if (quorum.endOffset() > image.lastAppliedOffset() + 1) {
            image = replay(quorum, image);
        }
        return image;
    }

    /**
     * This node became the active controller at {@code nowMs}: it catches up with the committed log,
     * then grants every registered broker a fresh lease from {@code nowMs}, because leases are not in
     * the log and the brokers' heartbeats went to the previous controller.
     */
    public MetadataImage onBecomeActive(long nowMs) {
        catchUp();
        leases.renewAll(image, nowMs);
        return image;
    }

    /** Whether the metadata log has failed: every command that writes now answers NOT_CONTROLLER. */
    public boolean isFailed() {
        return quorum.isFailed();
    }

    private <R> ControllerReply<R> commit(ControllerResult<R> result, BiFunction<Errors, String, R> failAll) {
        List<MetadataRecord> records = result.records();
        if (records.isEmpty()) {
            return new ControllerReply<>(result.response(), image);
        }
        AppendOutcome outcome = quorum.append(records);
        if (!outcome.isCommitted()) {
            Errors error = outcome.status() == AppendOutcome.Status.TOO_LARGE ? Errors.POLICY_VIOLATION : Errors.NOT_CONTROLLER;
            return new ControllerReply<>(failAll.apply(error, outcome.message()), image);
        }
        if (outcome.lastOffset() - outcome.baseOffset() + 1 != records.size()) {
            throw new IllegalStateException("the quorum committed " + outcome + " for " + records.size() + " records");
        }
        if (outcome.baseOffset() != image.lastAppliedOffset() + 1) {
            // Records of another leader committed before ours: apply the log in order, ours included.
            image = replay(quorum, image);
            return new ControllerReply<>(result.response(), image);
        }
        MetadataDelta delta = new MetadataDelta(image);
        long offset = outcome.baseOffset();
        for (MetadataRecord record : records) {
            delta.replay(record, offset++);
        }
        image = delta.apply();
        return new ControllerReply<>(result.response(), image);
    }

    private static <T> List<T> mapAll(List<T> results, UnaryOperator<T> f) {
        return results.stream().map(f).toList();
    }

    /** Closes the metadata log. */
    @Override
    public void close() {
        quorum.close();
    }
}
