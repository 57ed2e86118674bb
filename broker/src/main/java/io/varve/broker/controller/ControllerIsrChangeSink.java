package io.varve.broker.controller;

import io.varve.broker.replica.IsrChangeSink;
import io.varve.protocol.Errors;
import io.varve.raft.controller.AlterPartitionResult;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * AlterPartition in-process: the leader's ISR change is queued on this node's {@link ControllerService}
 * (the combined broker and controller of DESIGN §1). A full controller queue answers
 * {@link Errors#REQUEST_TIMED_OUT}; the leader retries on its next ISR check. Thread-safe.
 */
public final class ControllerIsrChangeSink implements IsrChangeSink {

    private final ControllerService controller;

    /** @param controller the node's controller queue */
    public ControllerIsrChangeSink(ControllerService controller) {
        this.controller = controller;
    }

    @Override
    public CompletableFuture<Errors> alterPartition(UUID topicId, int partition, int leaderId, int leaderEpoch,
                                                    int[] newIsr, int partitionEpoch) {
        return controller.<AlterPartitionResult>propose(
                c -> c.decideAlterPartition(topicId, partition, leaderId, leaderEpoch, newIsr, partitionEpoch))
            .handle((result, error) -> error != null ? Errors.REQUEST_TIMED_OUT : result.error());
    }
}
