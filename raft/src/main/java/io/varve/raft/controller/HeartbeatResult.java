package io.varve.raft.controller;

import io.varve.protocol.Errors;

/**
 * The controller's answer to a broker heartbeat.
 *
 * @param error          {@link Errors#NONE}; {@link Errors#BROKER_ID_NOT_REGISTERED} for an unknown
 *                       broker (it must register); {@link Errors#STALE_BROKER_EPOCH} for an epoch that
 *                       is not the broker's current one (a newer incarnation registered; this one must
 *                       stop or register again); {@link Errors#NOT_CONTROLLER} when the change could
 *                       not be committed
 * @param fenced         whether the broker is fenced after this heartbeat (it may lead nothing)
 * @param shouldShutDown the broker asked to shut down and may now do so: it leads no partition and is
 *                       in no ISR (unless it was the last member of one)
 */
public record HeartbeatResult(Errors error, boolean fenced, boolean shouldShutDown) {

    static HeartbeatResult failed(Errors error) {
        return new HeartbeatResult(error, true, false);
    }

    HeartbeatResult orFail(Errors error) {
        return this.error == Errors.NONE ? failed(error) : this;
    }
}
