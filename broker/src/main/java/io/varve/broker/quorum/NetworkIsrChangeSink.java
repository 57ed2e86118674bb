package io.varve.broker.quorum;

import io.varve.broker.replica.IsrChangeSink;
import io.varve.common.Clock;
import io.varve.config.ControllerQuorumConfig;
import io.varve.protocol.Errors;
import io.varve.raft.rpc.AlterPartitionCodec;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AlterPartition over the network: a leader's ISR change goes to the active controller over the
 * controller listener ({@link io.varve.raft.rpc.InternalApiKey#ALTER_PARTITION}), wherever that
 * controller runs. The {@link ControllerClient} asks the leader a voter names first and moves on
 * when told NOT_CONTROLLER, within {@code controller.quorum.request.timeout.ms}; the controller's
 * answer (NONE, FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION, ...) is handed back to the partition.
 * No answer in time, or a full queue, is {@link Errors#REQUEST_TIMED_OUT}: the leader tries again on
 * its next ISR check.
 *
 * <p>Requests are sent one at a time on a thread of its own, from a bounded queue (a partition has
 * at most one change in flight, so the queue holds at most one per led partition). Thread-safe.
 */
public final class NetworkIsrChangeSink implements IsrChangeSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkIsrChangeSink.class);

    /** ISR changes waiting to be sent; beyond this they fail at once with REQUEST_TIMED_OUT. */
    static final int MAX_QUEUED = 1024;

    private final ControllerClient client;
    private final long timeoutMs;
    private final ThreadPoolExecutor thread;

    public NetworkIsrChangeSink(int nodeId, ControllerQuorumConfig config, Clock clock) {
        this.client = new ControllerClient(nodeId, config, clock);
        this.timeoutMs = config.requestTimeoutMs();
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
            Thread t = new Thread(r, "varve-alter-partition");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<Errors> alterPartition(UUID topicId, int partition, int leaderId, int leaderEpoch, int[] newIsr,
                                                    int partitionEpoch) {
        AlterPartitionCodec.Request request =
            new AlterPartitionCodec.Request(topicId, partition, leaderId, leaderEpoch, newIsr, partitionEpoch);
        try {
            return CompletableFuture.supplyAsync(() -> send(request), thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Errors.REQUEST_TIMED_OUT);
        }
    }

    private Errors send(AlterPartitionCodec.Request request) {
        try {
            Errors error = Errors.forCode(client.alterPartition(request, timeoutMs).errorCode());
            LOG.info("{}: {}", request, error);
            return error;
        } catch (IOException e) {
            LOG.warn("{} was not answered: {}", request, e.getMessage());
            return Errors.REQUEST_TIMED_OUT;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
