package io.varve.broker.quorum;

import io.varve.config.ControllerQuorumConfig;
import io.varve.raft.core.RaftMessage;
import io.varve.raft.rpc.InternalApiKey;
import io.varve.raft.rpc.InternalFrames;
import io.varve.raft.rpc.RaftMessageCodec;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link RaftTransport} between real processes: one {@link PeerConnection} per other voter,
 * each Raft message one {@link InternalApiKey#RAFT_MESSAGE} request. Thread-safe.
 */
final class RaftPeers implements RaftTransport {

    private final int localId;
    private final Map<Integer, PeerConnection> peers = new HashMap<>();
    private final AtomicInteger correlationIds = new AtomicInteger();
    private final String clientId;

    RaftPeers(int localId, ControllerQuorumConfig config) {
        this.localId = localId;
        this.clientId = "varve-controller-" + localId;
        for (ControllerQuorumConfig.Voter v : config.voters().values()) {
            if (v.id() != localId) {
                peers.put(v.id(), new PeerConnection(localId, v.id(), new InetSocketAddress(v.host(), v.port()),
                    config.requestTimeoutMs()));
            }
        }
    }

    @Override
    public void send(RaftMessage message) {
        PeerConnection peer = peers.get(message.to());
        if (peer == null || message.from() != localId) {
            throw new IllegalStateException("node " + localId + " cannot send " + message);
        }
        peer.send(InternalFrames.request(InternalApiKey.RAFT_MESSAGE, correlationIds.incrementAndGet(), clientId,
            w -> RaftMessageCodec.write(message, w)));
    }

    @Override
    public void close() {
        peers.values().forEach(PeerConnection::close);
    }
}
