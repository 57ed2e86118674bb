package io.varve.broker.metrics;

/**
 * What the controller quorum tells the metrics at scrape time. The Raft driver implements it (or
 * adapts its state to it) and hands it to {@link ControllerMetrics#bind}; the controller calls
 * {@link ControllerMetrics#onCommit} as commits happen, and elections are counted from the term.
 * Implementations must be thread-safe: they are read from the scraping thread.
 */
public interface RaftStatus {

    /** Whether this node is the active controller (the quorum leader). */
    boolean isActiveController();

    /** The quorum leader's node id, or -1 when no leader is known. */
    int leaderId();

    /** The current Raft term (epoch); 0 when the quorum has no terms (one local voter). */
    long term();

    /** Offset of the last metadata record applied to this node's image, or -1 when none. */
    long lastAppliedOffset();
}
