package io.varve.raft.log;

/**
 * A read of committed metadata asked for records that a snapshot has replaced (they are below the
 * log start): the reader must start from the snapshot's image. Thrown on a race with a snapshot
 * taken between the reader's check and its read; the reader retries.
 */
public final class LogCompactedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LogCompactedException(String message) {
        super(message);
    }
}
