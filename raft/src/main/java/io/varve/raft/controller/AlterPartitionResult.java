package io.varve.raft.controller;

import io.varve.protocol.Errors;

/**
 * The controller's answer to a leader's AlterPartition (an ISR change).
 *
 * @param error          {@link Errors#NONE}, or why the change was refused:
 *                       {@link Errors#UNKNOWN_TOPIC_OR_PARTITION}, {@link Errors#NOT_LEADER_OR_FOLLOWER}
 *                       (the sender does not lead the partition), {@link Errors#FENCED_LEADER_EPOCH}
 *                       (an older leader epoch), {@link Errors#UNKNOWN_LEADER_EPOCH} (a newer one),
 *                       {@link Errors#INVALID_UPDATE_VERSION} (the partition changed since the sender
 *                       read it), {@link Errors#INELIGIBLE_REPLICA} (a member that is not a replica or
 *                       not an active broker), {@link Errors#INVALID_REQUEST} (the leader missing from
 *                       the ISR, or a member twice), {@link Errors#NOT_CONTROLLER} (not committed)
 * @param leaderEpoch    the partition's leader epoch after the change, -1 on error
 * @param partitionEpoch the partition epoch after the change, -1 on error
 * @param isr            the ISR after the change, empty on error
 */
public record AlterPartitionResult(Errors error, int leaderEpoch, int partitionEpoch, int[] isr) {

    public AlterPartitionResult {
        isr = isr.clone();
    }

    static AlterPartitionResult failed(Errors error) {
        return new AlterPartitionResult(error, -1, -1, new int[0]);
    }

    AlterPartitionResult orFail(Errors error) {
        return this.error == Errors.NONE ? failed(error) : this;
    }

    @Override
    public int[] isr() {
        return isr.clone();
    }
}
