package io.varve.broker.replica;

import java.util.EnumSet;
import java.util.Set;

/**
 * The replication rules a {@link ReplicaManager} and its {@link Partition}s follow. Production always
 * runs {@link #KAFKA}, every rule kept; the whole-cluster simulation plants a known bug by breaking one
 * rule at a time, to prove that each of its invariants can fire. Immutable.
 */
public final class ReplicationRules {

    /** One rule of the replication protocol. */
    public enum Rule {
        /** The high-water mark is the minimum log end of the ISR (broken: the maximum). */
        HIGH_WATERMARK_IS_ISR_MINIMUM,
        /** acks=all appends and high-water-mark moves need {@code min.insync.replicas} in the ISR. */
        MIN_INSYNC_REPLICAS_ENFORCED,
        /**
         * A follower truncates only where the leader's epochs say its log diverged (broken: to its own
         * high-water mark when it follows a new leader or is told it diverged, Kafka before KIP-101).
         */
        TRUNCATE_ONLY_WHERE_DIVERGED,
        /** A follower rejoins the ISR only once it reached the high-water mark. */
        ADMIT_ONLY_CAUGHT_UP_FOLLOWERS,
        /**
         * Nothing is hosted or deleted before the image holds this incarnation's registration, and logs the
         * first image does not name are set aside (broken: issue 11's defect 1, every image applied at once
         * and unnamed logs deleted).
         */
        WAIT_FOR_CAUGHT_UP_METADATA,
        /** A truncation at the log end drops epochs with no batch behind them (broken: issue 11's defect 2). */
        DROP_EMPTY_EPOCHS_AT_LOG_END,
        /** A follower's fetch names the epoch of its last batch, so the leader can tell it where it diverged. */
        SEND_LAST_FETCHED_EPOCH,
        /** A follower's high-water mark only moves forward (broken: it takes a lower one from a new leader). */
        FOLLOWER_HIGH_WATERMARK_ONLY_FORWARD,
        /**
         * The group coordinator answers an offset commit (or a generation) only once its records are
         * replicated, as Kafka writes them with {@code acks=-1} (broken: issue 11's defect 3, answered as
         * soon as they are in the leader's log).
         */
        GROUP_WRITES_WAIT_FOR_REPLICATION
    }

    /** The rules of Kafka's replication protocol, which Varve follows. */
    public static final ReplicationRules KAFKA = new ReplicationRules(EnumSet.noneOf(Rule.class));

    private final Set<Rule> broken;

    private ReplicationRules(Set<Rule> broken) {
        this.broken = Set.copyOf(broken);
    }

    /** Every rule but {@code rule}: a planted bug for the simulation. */
    public static ReplicationRules breaking(Rule rule) {
        return new ReplicationRules(EnumSet.of(rule));
    }

    /** Whether {@code rule} is kept: always, but in a simulation that plants a bug. */
    public boolean follows(Rule rule) {
        return !broken.contains(rule);
    }

    @Override
    public String toString() {
        return broken.isEmpty() ? "KAFKA" : "breaking " + broken;
    }
}
