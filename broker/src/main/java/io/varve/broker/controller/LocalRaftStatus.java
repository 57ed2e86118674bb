package io.varve.broker.controller;

import io.varve.broker.metrics.RaftStatus;
import io.varve.raft.controller.Controller;

/**
 * The {@link RaftStatus} of a one-voter quorum (the local metadata log): this node is the active
 * controller and the leader for as long as its metadata log works; a failed log (a failed fsync)
 * makes it neither. There are no terms: the term reads 0. The Raft driver replaces this binding.
 *
 * <p>Thread-safe: reads volatile state of the controller and the service.
 */
public final class LocalRaftStatus implements RaftStatus {

    private final int nodeId;
    private final Controller controller;
    private final ControllerService service;

    public LocalRaftStatus(int nodeId, Controller controller, ControllerService service) {
        this.nodeId = nodeId;
        this.controller = controller;
        this.service = service;
    }

    @Override
    public boolean isActiveController() {
        return !controller.isFailed();
    }

    @Override
    public int leaderId() {
        return isActiveController() ? nodeId : -1;
    }

    @Override
    public long term() {
        return 0;
    }

    @Override
    public long lastAppliedOffset() {
        return service.image().lastAppliedOffset();
    }
}
