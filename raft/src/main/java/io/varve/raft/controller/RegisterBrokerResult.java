package io.varve.raft.controller;

import io.varve.protocol.Errors;

/**
 * The outcome of a broker registration.
 *
 * @param error       {@link Errors#NONE}, or {@link Errors#INVALID_REQUEST} for a malformed
 *                    registration, or {@link Errors#NOT_CONTROLLER} when it could not be committed
 * @param message     a human-readable reason, null on success
 * @param brokerEpoch the new incarnation's broker epoch (the metadata log offset of its registration),
 *                    which every heartbeat must carry; {@link #NO_EPOCH} on failure
 */
public record RegisterBrokerResult(Errors error, String message, long brokerEpoch) {

    /** {@link #brokerEpoch()} of a failed registration. */
    public static final long NO_EPOCH = -1L;

    static final RegisterBrokerResult OK = new RegisterBrokerResult(Errors.NONE, null, NO_EPOCH);

    RegisterBrokerResult orFail(Errors error, String message) {
        return this.error == Errors.NONE ? new RegisterBrokerResult(error, message, NO_EPOCH) : this;
    }

    RegisterBrokerResult withEpoch(long epoch) {
        return new RegisterBrokerResult(error, message, epoch);
    }
}
