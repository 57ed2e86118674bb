package io.varve.broker.quorum;

import io.varve.broker.controller.ControllerService;
import io.varve.common.Clock;
import io.varve.config.ControllerQuorumConfig;
import io.varve.protocol.Errors;
import io.varve.raft.controller.CreatePartitionsResult;
import io.varve.raft.controller.CreateTopicResult;
import io.varve.raft.controller.DeleteTopicResult;
import io.varve.raft.controller.NewPartitions;
import io.varve.raft.controller.NewTopic;
import io.varve.raft.controller.ProducerIdBlock;
import io.varve.raft.controller.TopicRef;
import io.varve.raft.rpc.AllocateProducerIdsCodec;
import io.varve.raft.rpc.CreatePartitionsCodec;
import io.varve.raft.rpc.CreateTopicsCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Forwards the commands a client cannot route itself to the active controller over the controller
 * listener, on one thread of its own with a bounded queue (a full queue fails the command, which the
 * handler answers with a retriable error). Thread-safe.
 */
public final class ControllerForwarder implements ControllerService.Forwarder, AutoCloseable {

    /** Forwarded commands waiting; beyond this they fail at once. */
    static final int MAX_QUEUED = 64;

    private final BooleanSupplier isActive;
    private final ControllerClient client;
    private final long timeoutMs;
    private final ThreadPoolExecutor thread;

    public ControllerForwarder(int nodeId, RaftQuorumNode raft, ControllerQuorumConfig config, Clock clock) {
        this(nodeId, raft::isLeader, config, clock);
    }

    /** @param isActive whether this node is the active controller now (never, on a broker-only node) */
    public ControllerForwarder(int nodeId, BooleanSupplier isActive, ControllerQuorumConfig config, Clock clock) {
        this.isActive = isActive;
        this.client = new ControllerClient(nodeId, config, clock);
        this.timeoutMs = config.requestTimeoutMs();
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
            Thread t = new Thread(r, "varve-controller-forwarder");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public boolean isActive() {
        return isActive.getAsBoolean();
    }

    @Override
    public CompletableFuture<ProducerIdBlock> allocateProducerIds(int nodeId) {
        return forward(() -> {
            AllocateProducerIdsCodec.Response r = client.allocateProducerIds(nodeId, timeoutMs);
            return new ProducerIdBlock(Errors.forCode(r.errorCode()), r.firstProducerId(), r.size());
        });
    }

    @Override
    public CompletableFuture<List<CreateTopicResult>> createTopics(List<NewTopic> topics, boolean validateOnly) {
        return forward(() -> client.createTopics(new CreateTopicsCodec.Request(validateOnly, topics), timeoutMs).results());
    }

    @Override
    public CompletableFuture<List<DeleteTopicResult>> deleteTopics(List<TopicRef> topics) {
        return forward(() -> client.deleteTopics(topics, timeoutMs).results());
    }

    @Override
    public CompletableFuture<List<CreatePartitionsResult>> createPartitions(List<NewPartitions> topics, boolean validateOnly) {
        return forward(() -> client.createPartitions(new CreatePartitionsCodec.Request(validateOnly, topics), timeoutMs).results());
    }

    /** One blocking call to the active controller. */
    @FunctionalInterface
    private interface ControllerCall<T> {
        T call() throws IOException;
    }

    /** Runs {@code call} on the forwarding thread; a full queue or a closed forwarder fails the future at once. */
    private <T> CompletableFuture<T> forward(ControllerCall<T> call) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return call.call();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
