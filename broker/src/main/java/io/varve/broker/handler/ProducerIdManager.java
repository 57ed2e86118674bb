package io.varve.broker.handler;

import io.varve.broker.controller.ControllerChannel;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.InitProducerIdRequest;
import io.varve.protocol.generated.InitProducerIdResponse;
import io.varve.raft.controller.ProducerIdBlock;
import java.util.concurrent.CompletableFuture;

/**
 * InitProducerId for idempotent producers: hands out producer ids from a block the controller
 * allocated (so ids stay unique across restarts and, later, across brokers), fetching the next
 * block when one runs out. Every request of an idempotent producer gets a fresh id at epoch 0, also one
 * that names its current id and epoch, as Kafka answers one without a transactional id. Transactional
 * ids are refused: no transaction coordinator yet. Thread-safe.
 */
final class ProducerIdManager {

    private final ControllerChannel controller;
    private final int nodeId;
    private long next;
    private long end;
    private CompletableFuture<Void> refill;

    ProducerIdManager(ControllerChannel controller, int nodeId) {
        this.controller = controller;
        this.nodeId = nodeId;
    }

    CompletableFuture<InitProducerIdResponse> handle(InitProducerIdRequest request) {
        if (request.transactionalId() != null) {
            return CompletableFuture.completedFuture(error(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
        }
        // An idempotent producer that names its id and epoch (KIP-360) gets a fresh id, as from Kafka: bumping
        // the epoch of whatever id a client names would let it take over another producer's sequence state.
        return nextId().thenApply(id -> id < 0 ? error(Errors.COORDINATOR_NOT_AVAILABLE)
            : InitProducerIdResponse.builder().producerId(id).producerEpoch((short) 0).build());
    }

    /** The next id, or -1 when the controller could not allocate a block. */
    private synchronized CompletableFuture<Long> nextId() {
        if (next < end) {
            return CompletableFuture.completedFuture(next++);
        }
        if (refill == null) {
            refill = controller.allocateProducerIds(nodeId).thenAccept(this::onBlock)
                .exceptionally(e -> {
                    onBlock(null);
                    return null;
                });
        }
        return refill.thenCompose(ignored -> {
            synchronized (this) {
                return next < end ? CompletableFuture.completedFuture(next++) : CompletableFuture.completedFuture(-1L);
            }
        });
    }

    private synchronized void onBlock(ProducerIdBlock block) {
        if (block != null && block.error() == Errors.NONE) {
            next = block.firstProducerId();
            end = block.firstProducerId() + block.size();
        }
        refill = null;
    }

    private static InitProducerIdResponse error(Errors error) {
        return InitProducerIdResponse.builder().errorCode(error.code).build();
    }
}
