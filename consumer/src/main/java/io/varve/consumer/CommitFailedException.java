package io.varve.consumer;

/**
 * A commit the group refused for good: this member is no longer in the generation that owns the
 * partitions (a rebalance moved them, or the member was dropped). Retrying cannot help; the next
 * poll rejoins, and the records since the last commit may be read again by their new owner.
 */
public class CommitFailedException extends ConsumerException {

    private static final long serialVersionUID = 1L;

    public CommitFailedException(String message) {
        super(message);
    }
}
