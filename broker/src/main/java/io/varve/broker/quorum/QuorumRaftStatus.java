package io.varve.broker.quorum;

import io.varve.broker.controller.ControllerService;
import io.varve.broker.metrics.RaftStatus;

/**
 * The {@link RaftStatus} of a voter in a Raft quorum of many, read at scrape time from the driver's
 * published status and the node's image.
 *
 * <p>Thread-safe: reads what the driver and the controller service publish.
 */
public final class QuorumRaftStatus implements RaftStatus {

    private final int nodeId;
    private final RaftQuorumNode quorum;
    private final ControllerService service;

    public QuorumRaftStatus(int nodeId, RaftQuorumNode quorum, ControllerService service) {
        this.nodeId = nodeId;
        this.quorum = quorum;
        this.service = service;
    }

    @Override
    public boolean isActiveController() {
        return quorum.isLeader();
    }

    @Override
    public int leaderId() {
        return quorum.leaderId();
    }

    @Override
    public long term() {
        return quorum.term();
    }

    @Override
    public long lastAppliedOffset() {
        return service.image().lastAppliedOffset();
    }

    @Override
    public String toString() {
        return "QuorumRaftStatus[node " + nodeId + ", leader " + leaderId() + ", term " + term() + ']';
    }
}
