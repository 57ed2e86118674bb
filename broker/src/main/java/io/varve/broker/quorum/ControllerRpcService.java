package io.varve.broker.quorum;

import io.varve.broker.network.FrameHandler;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.raft.core.RaftMessage;
import io.varve.raft.rpc.InternalFrames;
import io.varve.raft.rpc.RaftMessageCodec;
import io.varve.raft.rpc.RegisterBrokerCodec;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Serves the controller listener: Raft messages go to the {@link RaftDriver}'s bounded queue (a full
 * queue or a message not addressed to this node is acknowledged with an error and dropped; Raft
 * resends), broker registrations go to the controller. Thread-safe.
 */
public final class ControllerRpcService implements FrameHandler {

    private final int nodeId;
    private final Set<Integer> voters;
    private final RaftDriver driver;
    private final Function<RegisterBrokerCodec.Request, CompletableFuture<RegisterBrokerCodec.Response>> registrar;

    ControllerRpcService(int nodeId, Set<Integer> voters, RaftDriver driver,
                         Function<RegisterBrokerCodec.Request, CompletableFuture<RegisterBrokerCodec.Response>> registrar) {
        this.nodeId = nodeId;
        this.voters = Set.copyOf(voters);
        this.driver = driver;
        this.registrar = registrar;
    }

    @Override
    public void onFrame(ByteBuffer body, Consumer<ByteBuffer> reply) {
        ProtocolReader reader = new ProtocolReader(body);
        InternalFrames.Header header = InternalFrames.readRequestHeader(reader);
        switch (header.apiKey()) {
            case RAFT_MESSAGE -> {
                RaftMessage m = RaftMessageCodec.read(reader);
                if (m.to() != nodeId || !voters.contains(m.from())) {
                    throw new MalformedMessageException("raft message from " + m.from() + " to " + m.to()
                        + " reached node " + nodeId);
                }
                Errors error = driver.offer(m) ? Errors.NONE : Errors.REQUEST_TIMED_OUT;
                reply.accept(InternalFrames.response(header.correlationId(), w -> RaftMessageCodec.writeAck(error.code, w)));
            }
            case REGISTER_BROKER -> {
                RegisterBrokerCodec.Request request = RegisterBrokerCodec.readRequest(reader);
                registrar.apply(request).whenComplete((response, error) -> {
                    RegisterBrokerCodec.Response r = error == null ? response : new RegisterBrokerCodec.Response(
                        Errors.UNKNOWN_SERVER_ERROR.code, String.valueOf(error), -1, driver.status().leaderId());
                    reply.accept(InternalFrames.response(header.correlationId(), w -> RegisterBrokerCodec.write(r, w)));
                });
            }
        }
    }
}
