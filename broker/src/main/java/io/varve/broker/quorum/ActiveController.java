package io.varve.broker.quorum;

import io.varve.broker.controller.ControllerService;
import io.varve.common.Clock;
import io.varve.protocol.Errors;
import io.varve.raft.controller.AlterPartitionResult;
import io.varve.raft.controller.Controller;
import io.varve.raft.controller.CreatePartitionsResult;
import io.varve.raft.controller.CreateTopicResult;
import io.varve.raft.controller.DeleteTopicResult;
import io.varve.raft.controller.HeartbeatResult;
import io.varve.raft.controller.ProducerIdBlock;
import io.varve.raft.controller.RegisterBrokerResult;
import io.varve.raft.controller.TopicRef;
import io.varve.raft.rpc.AllocateProducerIdsCodec;
import io.varve.raft.rpc.AlterPartitionCodec;
import io.varve.raft.rpc.BrokerHeartbeatCodec;
import io.varve.raft.rpc.CreatePartitionsCodec;
import io.varve.raft.rpc.CreateTopicsCodec;
import io.varve.raft.rpc.DeleteTopicsCodec;
import io.varve.raft.rpc.RegisterBrokerCodec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's duties that only the active one performs: answering brokers' registrations and
 * heartbeats (a follower answers NOT_CONTROLLER with the leader it knows, since a lease renewed
 * there would be renewed nowhere), the topic commands other brokers forward, leaders' ISR changes
 * (AlterPartition), and a timer that, while this node leads, grants fresh leases
 * when it becomes active ({@code Controller.onBecomeActive}) and fences brokers whose lease ran out
 * ({@code Controller.tick}). Lease time is the monotonic clock.
 *
 * <p>Thread-safe: RPCs come from event loops; commands and the lease timer run on the controller's
 * {@link io.varve.broker.loop.EventLoop} (no thread of its own).
 */
public final class ActiveController implements ControllerRpcService.BrokerRpcs, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveController.class);

    private final ControllerService controller;
    private final RaftQuorumNode raft;
    private final Clock clock;
    private final long tickMs;
    /** The term in which this node last became active; the controller loop's only. */
    private int activeTerm = -1;
    /** Whether a fencing tick is queued or in flight: at most one at a time. */
    private volatile boolean tickQueued;

    /**
     * @param tickMs how often the lease timer runs; a fraction of {@code broker.session.timeout.ms}
     */
    public ActiveController(ControllerService controller, RaftQuorumNode raft, Clock clock, long tickMs) {
        this.controller = controller;
        this.raft = raft;
        this.clock = clock;
        this.tickMs = tickMs;
    }

    /** Sets the lease timer on the controller's loop. */
    public void start() {
        controller.every(tickMs, this::onTimer);
    }

    @Override
    public CompletableFuture<RegisterBrokerCodec.Response> register(RegisterBrokerCodec.Request q) {
        if (!raft.isLeader()) {
            return CompletableFuture.completedFuture(new RegisterBrokerCodec.Response(Errors.NOT_CONTROLLER.code,
                "not the active controller", RegisterBrokerResult.NO_EPOCH, raft.leaderId()));
        }
        return controller.<RegisterBrokerResult>propose(c -> c.decideRegisterBroker(q.nodeId(), q.host(), q.port(), q.rack(),
                clock.monotonicMs()))
            .thenApply(r -> new RegisterBrokerCodec.Response(r.error().code, r.message(), r.brokerEpoch(), raft.leaderId()));
    }

    @Override
    public CompletableFuture<BrokerHeartbeatCodec.Response> heartbeat(BrokerHeartbeatCodec.Request q) {
        if (!raft.isLeader()) {
            return CompletableFuture.completedFuture(
                new BrokerHeartbeatCodec.Response(Errors.NOT_CONTROLLER.code, true, false, raft.leaderId()));
        }
        return controller.<HeartbeatResult>propose(c -> c.decideBrokerHeartbeat(q.nodeId(), q.brokerEpoch(), clock.monotonicMs(),
                q.wantShutDown(), !q.offlineLogDirs().isEmpty()))
            .thenApply(r -> new BrokerHeartbeatCodec.Response(r.error().code, r.fenced(), r.shouldShutDown(), raft.leaderId()));
    }

    @Override
    public CompletableFuture<AllocateProducerIdsCodec.Response> allocateProducerIds(int nodeId) {
        if (!raft.isLeader()) {
            return CompletableFuture.completedFuture(
                new AllocateProducerIdsCodec.Response(Errors.NOT_CONTROLLER.code, -1, 0, raft.leaderId()));
        }
        return controller.<ProducerIdBlock>propose(c -> c.decideAllocateProducerIds(nodeId)).thenApply(b ->
            new AllocateProducerIdsCodec.Response(b.error().code, b.firstProducerId(), b.size(), raft.leaderId()));
    }

    @Override
    public CompletableFuture<CreateTopicsCodec.Response> createTopics(CreateTopicsCodec.Request q) {
        if (!raft.isLeader()) {
            return CompletableFuture.completedFuture(
                failAll(q, Errors.NOT_CONTROLLER, "not the active controller", raft.leaderId()));
        }
        return controller.<List<CreateTopicResult>>propose(c -> c.decideCreateTopics(q.topics(), q.validateOnly()))
            .thenApply(results -> new CreateTopicsCodec.Response(raft.leaderId(), results));
    }

    @Override
    public CompletableFuture<DeleteTopicsCodec.Response> deleteTopics(List<TopicRef> topics) {
        if (!raft.isLeader()) {
            return CompletableFuture.completedFuture(failAll(topics, Errors.NOT_CONTROLLER, "not the active controller",
                raft.leaderId()));
        }
        return controller.<List<DeleteTopicResult>>propose(c -> c.decideDeleteTopics(topics))
            .thenApply(results -> new DeleteTopicsCodec.Response(raft.leaderId(), results));
    }

    @Override
    public CompletableFuture<CreatePartitionsCodec.Response> createPartitions(CreatePartitionsCodec.Request q) {
        if (!raft.isLeader()) {
            return CompletableFuture.completedFuture(failAll(q, Errors.NOT_CONTROLLER, "not the active controller",
                raft.leaderId()));
        }
        return controller.<List<CreatePartitionsResult>>propose(c -> c.decideCreatePartitions(q.topics(), q.validateOnly()))
            .thenApply(results -> new CreatePartitionsCodec.Response(raft.leaderId(), results));
    }

    @Override
    public CompletableFuture<AlterPartitionCodec.Response> alterPartition(AlterPartitionCodec.Request q) {
        if (!raft.isLeader()) {
            return CompletableFuture.completedFuture(new AlterPartitionCodec.Response(Errors.NOT_CONTROLLER.code,
                raft.leaderId()));
        }
        return controller.<AlterPartitionResult>propose(c -> c.decideAlterPartition(q.topicId(), q.partition(), q.leaderId(),
                q.leaderEpoch(), q.newIsr(), q.partitionEpoch()))
            .thenApply(r -> new AlterPartitionCodec.Response(r.error().code, raft.leaderId()));
    }

    /** Every topic of a forwarded deletion refused with {@code error}. */
    static DeleteTopicsCodec.Response failAll(List<TopicRef> topics, Errors error, String message, int leaderId) {
        return new DeleteTopicsCodec.Response(leaderId, topics.stream()
            .map(t -> new DeleteTopicResult(t.name(), t.topicId(), error, message)).toList());
    }

    /** Every topic of a forwarded partition addition refused with {@code error}. */
    static CreatePartitionsCodec.Response failAll(CreatePartitionsCodec.Request q, Errors error, String message, int leaderId) {
        return new CreatePartitionsCodec.Response(leaderId, q.topics().stream()
            .map(t -> new CreatePartitionsResult(t.topic(), error, message)).toList());
    }

    /** Every topic of {@code q} refused with {@code error}. */
    static CreateTopicsCodec.Response failAll(CreateTopicsCodec.Request q, Errors error, String message, int leaderId) {
        return new CreateTopicsCodec.Response(leaderId, q.topics().stream()
            .map(t -> new CreateTopicResult(t.name(), error, message, CreateTopicResult.NO_TOPIC_ID, -1, (short) -1, Map.of()))
            .toList());
    }

    /** On the controller loop, every tick: a new term's leases, then the fencing of expired ones. */
    private void onTimer(Controller c, long nowMs) {
        if (!raft.isLeader()) {
            activeTerm = -1;
            return;
        }
        int term = raft.term();
        if (term != activeTerm) {
            activeTerm = term;
            LOG.info("Node became the active controller in term {}", term);
            c.onBecomeActive(nowMs);
        }
        if (!tickQueued) {
            // Fencing writes records: proposed, so the loop does not wait for the round.
            tickQueued = true;
            controller.propose(ctl -> ctl.decideTick(nowMs)).whenComplete((r, e) -> tickQueued = false);
        }
    }

    /** The timer stops with the controller loop. */
    @Override
    public void close() {
    }
}
