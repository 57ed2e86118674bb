package io.varve.raft.controller;

import io.varve.protocol.Errors;

/**
 * The outcome of a broker registration.
 *
 * @param error   {@link Errors#NONE}, or {@link Errors#INVALID_REQUEST} for a malformed registration
 * @param message a human-readable reason, null on success
 */
public record RegisterBrokerResult(Errors error, String message) {

    static final RegisterBrokerResult OK = new RegisterBrokerResult(Errors.NONE, null);

    RegisterBrokerResult orFail(Errors error, String message) {
        return this.error == Errors.NONE ? new RegisterBrokerResult(error, message) : this;
    }
}
