package io.varve.raft.controller;

import io.varve.protocol.Errors;

/**
 * The outcome for one topic of a CreatePartitions request.
 *
 * @param name    the topic name as requested
 * @param error   {@link Errors#NONE}, or why no partition was added
 * @param message a human-readable reason, null on success
 */
public record CreatePartitionsResult(String name, Errors error, String message) {

    CreatePartitionsResult orFail(Errors error, String message) {
        return this.error == Errors.NONE ? new CreatePartitionsResult(name, error, message) : this;
    }
}
