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
import java.util.function.Consumer;
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
        return complete(decideCreateTopics(topics, validateOnly));
    }

    /** {@link #createTopics}, decided but not committed: see {@link #propose}. */
    public ControllerProposal<List<CreateTopicResult>> decideCreateTopics(List<NewTopic> topics, boolean validateOnly) {
        ControllerResult<List<CreateTopicResult>> result = stateMachine.createTopics(image, topics, validateOnly);
        return decide(result, (error, message) -> mapAll(result.response(), r -> r.orFail(error, message)));
    }

    /** See {@link ControllerStateMachine#createPartitions}. */
    public ControllerReply<List<CreatePartitionsResult>> createPartitions(List<NewPartitions> topics, boolean validateOnly) {
        return complete(decideCreatePartitions(topics, validateOnly));
    }

    /** {@link #createPartitions}, decided but not committed. */
    public ControllerProposal<List<CreatePartitionsResult>> decideCreatePartitions(List<NewPartitions> topics,
                                                                                   boolean validateOnly) {
        ControllerResult<List<CreatePartitionsResult>> result = stateMachine.createPartitions(image, topics, validateOnly);
        return decide(result, (error, message) -> mapAll(result.response(), r -> r.orFail(error, message)));
    }

    /** See {@link ControllerStateMachine#deleteTopics}. */
    public ControllerReply<List<DeleteTopicResult>> deleteTopics(List<TopicRef> topics) {
        return complete(decideDeleteTopics(topics));
    }

    /** {@link #deleteTopics}, decided but not committed. */
    public ControllerProposal<List<DeleteTopicResult>> decideDeleteTopics(List<TopicRef> topics) {
        ControllerResult<List<DeleteTopicResult>> result = stateMachine.deleteTopics(image, topics);
        return decide(result, (error, message) -> mapAll(result.response(), r -> r.orFail(error, message)));
    }

    /** See {@link ControllerStateMachine#allocateProducerIds}. */
    public ControllerReply<ProducerIdBlock> allocateProducerIds(int nodeId) {
        return complete(decideAllocateProducerIds(nodeId));
    }

    /** {@link #allocateProducerIds}, decided but not committed. */
    public ControllerProposal<ProducerIdBlock> decideAllocateProducerIds(int nodeId) {
        ControllerResult<ProducerIdBlock> result = stateMachine.allocateProducerIds(image, nodeId);
        return decide(result, (error, message) -> result.response().orFail(error));
    }

    /** See {@link ControllerStateMachine#alterPartition}: a leader's ISR change (AlterPartition's receiving end). */
    public ControllerReply<AlterPartitionResult> alterPartition(UUID topicId, int partition, int leaderId,
                                                                int leaderEpoch, int[] newIsr, int partitionEpoch) {
        return complete(decideAlterPartition(topicId, partition, leaderId, leaderEpoch, newIsr, partitionEpoch));
    }

    /** {@link #alterPartition}, decided but not committed. */
    public ControllerProposal<AlterPartitionResult> decideAlterPartition(UUID topicId, int partition, int leaderId,
                                                                         int leaderEpoch, int[] newIsr, int partitionEpoch) {
        ControllerResult<AlterPartitionResult> result =
            stateMachine.alterPartition(image, topicId, partition, leaderId, leaderEpoch, newIsr, partitionEpoch);
        return decide(result, (error, message) -> result.response().orFail(error));
    }

    /**
     * Registers a new incarnation of broker {@code nodeId} (see {@link ControllerStateMachine#registerBroker})
     * and starts its lease at {@code nowMs}. The result carries the broker epoch that its heartbeats
     * must quote: the offset of its registration record.
     */
    public ControllerReply<RegisterBrokerResult> registerBroker(int nodeId, String host, int port, String rack,
                                                                long nowMs) {
        return complete(decideRegisterBroker(nodeId, host, port, rack, nowMs));
    }

    /** {@link #registerBroker}, decided but not committed: the lease starts once it is. */
    public ControllerProposal<RegisterBrokerResult> decideRegisterBroker(int nodeId, String host, int port, String rack,
                                                                         long nowMs) {
        ControllerResult<RegisterBrokerResult> result = stateMachine.registerBroker(image, nodeId, host, port, rack);
        return decide(result, (error, message) -> result.response().orFail(error, message)).then(reply -> {
            if (reply.response().error() != Errors.NONE) {
                return reply;
            }
            leases.renew(nodeId, nowMs);
            return new ControllerReply<>(reply.response().withEpoch(image.broker(nodeId).epoch()), image);
        });
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
        return complete(decideBrokerHeartbeat(nodeId, brokerEpoch, nowMs, wantShutDown, logDirOffline));
    }

    /** {@link #brokerHeartbeat}, decided but not committed: the lease is renewed once it is. */
    public ControllerProposal<HeartbeatResult> decideBrokerHeartbeat(int nodeId, long brokerEpoch, long nowMs,
                                                                     boolean wantShutDown, boolean logDirOffline) {
        ControllerResult<HeartbeatResult> result = stateMachine.brokerHeartbeat(image, nodeId, brokerEpoch, wantShutDown,
            logDirOffline);
        return decide(result, (error, message) -> result.response().orFail(error)).then(reply -> {
            if (reply.response().error() == Errors.NONE) {
                leases.renew(nodeId, nowMs);
            }
            return reply;
        });
    }

    /**
     * Fences every unfenced broker whose lease ({@code broker.session.timeout.ms}) has run out at
     * {@code nowMs}, moving its leaderships ({@link ControllerStateMachine#fenceBrokers}). The driver
     * calls it on its timer, no later than {@link #nextLeaseExpiryMs()}; a call with nothing expired
     * writes nothing. The response is null: the outcome is in the image.
     */
    public ControllerReply<Void> tick(long nowMs) {
        return complete(decideTick(nowMs));
    }

    /** {@link #tick}, decided but not committed. */
    public ControllerProposal<Void> decideTick(long nowMs) {
        List<Integer> expired = leases.expired(image, nowMs);
        if (expired.isEmpty()) {
            return ControllerProposal.ready(new ControllerReply<>(null, image));
        }
        return decide(stateMachine.fenceBrokers(image, expired), (error, message) -> null);
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

    /**
     * Hands a decided command's records to the quorum without waiting: {@code onOutcome} is called
     * once with their fate (on whatever thread the quorum completes on: a controller loop hands it
     * back to its own thread), and then the controller's thread calls {@link #finish}. No other
     * command may be decided in between, since it would not see these records: a controller loop
     * holds the next commands until this one finished (one proposal in flight).
     */
    public <R> void propose(ControllerProposal<R> proposal, Consumer<AppendOutcome> onOutcome) {
        if (proposal.isReady()) {
            throw new IllegalArgumentException("nothing to propose: the reply is ready");
        }
        quorum.appendAsync(proposal.records(), onOutcome);
    }

    /** Applies a proposal's outcome (committed records join the image) and makes its reply. */
    public <R> ControllerReply<R> finish(ControllerProposal<R> proposal, AppendOutcome outcome) {
        return proposal.isReady() ? proposal.reply() : proposal.finish(outcome);
    }

    /** Commits a decided command and waits for it (a whole round of the quorum): the blocking path. */
    private <R> ControllerReply<R> complete(ControllerProposal<R> proposal) {
        return proposal.isReady() ? proposal.reply() : proposal.finish(quorum.append(proposal.records()));
    }

    private <R> ControllerProposal<R> decide(ControllerResult<R> result, BiFunction<Errors, String, R> failAll) {
        List<MetadataRecord> records = result.records();
        if (records.isEmpty()) {
            return ControllerProposal.ready(new ControllerReply<>(result.response(), image));
        }
        return ControllerProposal.pending(records, outcome -> apply(result, failAll, outcome));
    }

    /** The second half of a command: its records' outcome applied to the image. */
    private <R> ControllerReply<R> apply(ControllerResult<R> result, BiFunction<Errors, String, R> failAll,
                                         AppendOutcome outcome) {
        List<MetadataRecord> records = result.records();
        if (!outcome.isCommitted()) {
            Errors error = outcome.status() == AppendOutcome.Status.TOO_LARGE ? Errors.POLICY_VIOLATION : Errors.NOT_CONTROLLER;
            return new ControllerReply<>(failAll.apply(error, outcome.message()), image);
        }
        if (outcome.lastOffset() - outcome.baseOffset() + 1 != records.size()) {
            throw new IllegalStateException("the quorum committed " + outcome + " for " + records.size() + " records");
        }
        if (outcome.baseOffset() != image.lastAppliedOffset() + 1) {
            // Records of another leader committed before ours, or a catch-up already applied ours:
            // apply the log in order, ours included.
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
