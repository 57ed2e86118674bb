package io.varve.broker.replica;

/**
 * The replication rules a {@link ReplicaManager} and its {@link Partition}s follow. Production always
 * runs {@link #KAFKA}; the whole-cluster simulation plants known bugs through the others, one rule
 * broken at a time, to prove that each of its invariants can fire. Immutable.
 *
 * @param highWatermarkIsIsrMinimum   the high-water mark is the minimum log end of the ISR (broken: the maximum)
 * @param enforceMinInsyncReplicas    acks=all appends and high-water-mark moves need {@code min.insync.replicas}
 * @param truncateToDivergingEpoch    a diverged follower truncates where the leader's epochs say (broken: to its
 *                                    own high-water mark, Kafka's bug before KIP-101)
 * @param admitOnlyCaughtUpFollowers  a follower rejoins the ISR only once it reached the high-water mark
 * @param waitForCaughtUpMetadata     nothing is hosted or deleted before the image holds this incarnation's
 *                                    registration, and logs the first image does not name are set aside
 *                                    (broken: issue 11's defect 1, every image applied and unnamed logs deleted)
 * @param dropEmptyEpochsAtLogEnd     a truncation at the log end drops epochs with no batch behind them
 *                                    (broken: issue 11's defect 2, the follower truncation livelock)
 */
public record ReplicationRules(boolean highWatermarkIsIsrMinimum, boolean enforceMinInsyncReplicas,
                               boolean truncateToDivergingEpoch, boolean admitOnlyCaughtUpFollowers,
                               boolean waitForCaughtUpMetadata, boolean dropEmptyEpochsAtLogEnd) {

    /** The rules of Kafka's replication protocol, which Varve follows. */
    public static final ReplicationRules KAFKA = new ReplicationRules(true, true, true, true, true, true);
}
