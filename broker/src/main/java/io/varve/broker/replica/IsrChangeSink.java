package io.varve.broker.replica;

import io.varve.protocol.Errors;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Where a partition leader sends its ISR changes: Kafka's AlterPartition to the active controller. The
 * change is decided by the controller, which refuses a stale leader epoch or partition epoch; the new
 * ISR reaches the leader through the next metadata image, never through this answer alone.
 *
 * <p>Implementations must be thread-safe and must not block: the future completes later, on any
 * thread. In a combined node the controller is called in-process
 * ({@code io.varve.broker.controller.ControllerIsrChangeSink}); a networked quorum sends AlterPartition.
 */
public interface IsrChangeSink {

    /**
     * Asks the controller to set the ISR of {@code topicId}/{@code partition} to {@code newIsr}.
     *
     * @param leaderId       this broker, the partition's leader
     * @param leaderEpoch    the leader epoch this broker leads at
     * @param partitionEpoch the partition epoch of the image the change was computed from
     * @return the controller's error code, {@link Errors#NONE} when the change was committed
     */
    CompletableFuture<Errors> alterPartition(UUID topicId, int partition, int leaderId, int leaderEpoch, int[] newIsr,
                                             int partitionEpoch);
}
