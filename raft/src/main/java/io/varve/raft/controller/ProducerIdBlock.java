package io.varve.raft.controller;

import io.varve.protocol.Errors;

/**
 * The outcome of AllocateProducerIds: the ids {@code [firstProducerId, firstProducerId + size)} now
 * belong to the asking broker alone.
 *
 * @param error           {@link Errors#NONE}, or why no block was handed out
 * @param firstProducerId the first id of the block, -1 on error
 * @param size            ids in the block, 0 on error
 */
public record ProducerIdBlock(Errors error, long firstProducerId, int size) {

    static ProducerIdBlock failed(Errors error) {
        return new ProducerIdBlock(error, -1, 0);
    }

    ProducerIdBlock orFail(Errors error) {
        return this.error == Errors.NONE ? failed(error) : this;
    }
}
