package io.varve.raft.log;

/**
 * What {@link MetadataQuorum#append} did.
 *
 * @param status     whether the records are committed
 * @param baseOffset offset of the first record when committed, else -1
 * @param lastOffset offset of the last record when committed, else -1
 * @param message    why not, when not committed; else null
 */
public record AppendOutcome(Status status, long baseOffset, long lastOffset, String message) {

    /** The outcomes of an append. */
    public enum Status {
        /** Durable (here: fsynced on the one voter); may be applied and acknowledged. */
        COMMITTED,
        /** The batch is larger than the metadata log takes; nothing was written, the quorum goes on. */
        TOO_LARGE,
        /**
         * Not committed, and this node cannot say it will be: it is not the leader, lost leadership
         * before the records committed, or they were not committed in time. Another node may lead;
         * whether the records commit later is unknown, so the caller must treat the outcome as unknown.
         */
        NOT_LEADER,
        /**
         * The quorum cannot commit: the log failed a write or an fsync, now or earlier. It accepts
         * nothing more. Whether these records reached the disk is unknown: a restart may find them.
         */
        FAILED
    }

    public static AppendOutcome committed(long baseOffset, long lastOffset) {
        return new AppendOutcome(Status.COMMITTED, baseOffset, lastOffset, null);
    }

    public static AppendOutcome notCommitted(Status status, String message) {
        return new AppendOutcome(status, -1, -1, message);
    }

    public boolean isCommitted() {
        return status == Status.COMMITTED;
    }
}
