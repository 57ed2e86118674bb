package io.varve.broker;

import io.varve.broker.controller.ControllerService;
import io.varve.broker.controller.LocalRaftStatus;
import io.varve.broker.controller.MetadataPublisher;
import io.varve.broker.loop.LoopStarter;
import io.varve.broker.network.FrameHandler;
import io.varve.broker.quorum.ActiveController;
import io.varve.broker.quorum.ControllerForwarder;
import io.varve.broker.quorum.QuorumRaftStatus;
import io.varve.broker.quorum.RaftQuorumNode;
import io.varve.raft.controller.Controller;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Random;

/**
 * The controller role of a node: the metadata quorum (the one-voter local log when no voters are
 * configured, else this node's Raft voter), the {@link Controller} over it, and its
 * {@link ControllerService} loop, which publishes every image it applies to the node's
 * {@link MetadataPublisher}. On a voter of many it also holds the active controller's duties (leases,
 * broker RPCs), forwarding while another voter is active, and the handler of the controller
 * listener. Built only on nodes with {@code process.roles} containing {@code controller}.
 *
 * <p>Thread-safe after start; closed in reverse order of start.
 */
final class ControllerRole implements AutoCloseable {

    private final Closer closer;
    private final ControllerService service;
    private final RaftQuorumNode raft;
    private final FrameHandler rpcs;
    private final boolean onlyVoter;

    private ControllerRole(NodeContext node, MetadataPublisher images, Closer closer) throws IOException {
        this.closer = closer;
        SecureRandom seeds = new SecureRandom();
        int nodeId = node.nodeId();
        Controller controller;
        if (node.quorum().isLocal()) {
            raft = null;
            controller = closer.push(Controller.open(node.metadataDir(), node.clusterId(), node.controllerConfig(),
                node.clock(), new Random(seeds.nextLong())));
            service = closer.push(new ControllerService(controller, () -> nodeId, images, node.clock(), LoopStarter.threads()));
            node.metrics().controller().bind(new LocalRaftStatus(nodeId, controller, service));
            rpcs = null;
        } else {
            raft = closer.push(RaftQuorumNode.open(nodeId, node.quorum(), node.metadataDir(),
                node.controllerConfig().metadataLogConfig(), node.clusterId(), node.clock(), new Random(seeds.nextLong())));
            controller = closer.push(new Controller(raft.quorum(), node.clusterId(), node.controllerConfig(),
                new Random(seeds.nextLong())));
            RaftQuorumNode quorum = raft;
            service = closer.push(new ControllerService(controller, quorum::leaderId, images, node.clock(),
                LoopStarter.threads()));
            node.metrics().controller().bind(new QuorumRaftStatus(nodeId, raft, service));
            rpcs = startQuorum(node);
        }
        service.onCommit(node.metrics().controller()::onCommit);
        onlyVoter = node.quorum().isLocal() || node.quorum().voters().size() == 1;
    }

    /** Opens the quorum, replays the metadata log into the first image (published to {@code images}), and starts. */
    static ControllerRole start(NodeContext node, MetadataPublisher images) throws IOException {
        Closer closer = new Closer();
        try {
            return new ControllerRole(node, images, closer);
        } catch (IOException | RuntimeException e) {
            closer.close();
            throw e;
        }
    }

    /**
     * A voter's controller duties: the active controller's leases and timers, the controller
     * listener's handler (Raft, broker RPCs, State Watch fetches), forwarding while not active, and
     * the Raft loop.
     */
    private FrameHandler startQuorum(NodeContext node) {
        ActiveController active = new ActiveController(service, raft, node.clock(),
            Math.max(10, node.controllerConfig().brokerSessionTimeoutMs() / 10));
        FrameHandler handler = raft.rpcService(active);
        ControllerForwarder forwarder = closer.push(new ControllerForwarder(node.nodeId(), raft, node.quorum(), node.clock()));
        service.forwardTo(forwarder);
        raft.start(service::requestCatchUp);
        active.start();
        return handler;
    }

    /** The controller's loop: commands, and the broker role's channel to the controller on this node. */
    ControllerService service() {
        return service;
    }

    /** The controller listener's handler, or null for the one-voter local quorum (no listener). */
    FrameHandler rpcs() {
        return rpcs;
    }

    /** Whether this node is the quorum's only voter, and so always the active controller. */
    boolean isOnlyVoter() {
        return onlyVoter;
    }

    @Override
    public void close() {
        closer.close();
    }
}
