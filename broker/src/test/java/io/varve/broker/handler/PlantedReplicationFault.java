package io.varve.broker.handler;

import io.varve.broker.handler.ReplicationInvariants.Name;
import io.varve.broker.replica.ReplicationRules;
import io.varve.broker.replica.ReplicationRules.Rule;

/**
 * Known replication bugs, each one rule of {@link ReplicationRules} broken (or, for the last, a bug of
 * the simulated controller), and the invariant of the {@link ReplicationSimulation} that must catch it.
 */
enum PlantedReplicationFault {
    /** Correct replication. */
    NONE(ReplicationRules.KAFKA, false, null),
    /** The high-water mark is the maximum log end of the ISR, not the minimum. */
    HWM_MAX_OF_ISR(ReplicationRules.breaking(Rule.HIGH_WATERMARK_IS_ISR_MINIMUM), false,
        Name.AcknowledgedOnlyWithMinInsyncReplicas),
    /** acks=all is answered with fewer in-sync replicas than min.insync.replicas. */
    SKIP_MIN_INSYNC_CHECK(ReplicationRules.breaking(Rule.MIN_INSYNC_REPLICAS_ENFORCED), false,
        Name.AcknowledgedOnlyWithMinInsyncReplicas),
    /** A follower truncates to its own high-water mark when it follows a new leader (Kafka before KIP-101). */
    TRUNCATE_TO_HIGH_WATERMARK(ReplicationRules.breaking(Rule.TRUNCATE_ONLY_WHERE_DIVERGED), false,
        Name.AcknowledgedRecordsOnEveryInSyncReplica),
    /** A follower is re-admitted to the ISR before it reached the high-water mark. */
    ADMIT_LAGGING_FOLLOWER(ReplicationRules.breaking(Rule.ADMIT_ONLY_CAUGHT_UP_FOLLOWERS), false,
        Name.AcknowledgedRecordsOnEveryInSyncReplica),
    /** Issue 11, defect 1: a restarted broker applies its stale image and deletes the logs it does not name. */
    APPLY_STALE_METADATA(ReplicationRules.breaking(Rule.WAIT_FOR_CAUGHT_UP_METADATA), false,
        Name.LogsDeletedOnlyByCommittedMetadata),
    /** Issue 11, defect 2: truncating at the log end keeps an epoch with no batch behind it. */
    KEEP_EMPTY_EPOCH_AT_LOG_END(ReplicationRules.breaking(Rule.DROP_EMPTY_EPOCHS_AT_LOG_END), false,
        Name.WritableAfterHealing),
    /** A follower fetches without naming its last epoch: the leader never tells it that it diverged. */
    SKIP_DIVERGENCE_CHECK(ReplicationRules.breaking(Rule.SEND_LAST_FETCHED_EPOCH), false,
        Name.ReplicasAgreeBelowHighWatermark),
    /** A follower takes a new leader's lower high-water mark. */
    FOLLOWER_HIGH_WATERMARK_GOES_BACK(ReplicationRules.breaking(Rule.FOLLOWER_HIGH_WATERMARK_ONLY_FORWARD), false,
        Name.HighWatermarkNeverGoesBack),
    /** Issue 11, defect 3: the group coordinator acknowledges a commit once it is in the leader's log only. */
    ACKNOWLEDGE_OFFSETS_BEFORE_REPLICATION(ReplicationRules.breaking(Rule.GROUP_WRITES_WAIT_FOR_REPLICATION), false,
        Name.AcknowledgedCommitNeverLost),
    /** The simulated disk loses flushed data too at a power loss: the last flushed batch of each log. */
    DISK_LIES_ABOUT_FSYNC(ReplicationRules.KAFKA, false, Name.RecoveredLogIsAValidFlushedPrefix),
    /** The controller moves leadership without bumping the leader epoch. */
    ELECT_WITHOUT_NEW_EPOCH(ReplicationRules.KAFKA, true, Name.OneLeaderPerEpoch);

    final ReplicationRules rules;
    /** The simulated controller keeps the leader epoch when it moves leadership. */
    final boolean electWithoutNewEpoch;
    final Name caughtBy;

    PlantedReplicationFault(ReplicationRules rules, boolean electWithoutNewEpoch, Name caughtBy) {
        this.rules = rules;
        this.electWithoutNewEpoch = electWithoutNewEpoch;
        this.caughtBy = caughtBy;
    }
}
