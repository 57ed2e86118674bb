package io.varve.broker.quorum;

import io.varve.common.Clock;
import io.varve.config.ControllerQuorumConfig;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.raft.rpc.InternalApiKey;
import io.varve.raft.rpc.InternalFrames;
import io.varve.raft.rpc.RegisterBrokerCodec;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's blocking client of the active controller: asks the voters in turn (the one a voter
 * names as leader first) until one answers, retrying with backoff until a deadline. Used at start,
 * off the event loops. Not thread-safe; one caller at a time.
 */
public final class ControllerClient {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerClient.class);
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;
    private static final long MAX_BACKOFF_MS = 1000;

    private final ControllerQuorumConfig config;
    private final Clock clock;
    private final String clientId;
    private int correlationId;

    public ControllerClient(int nodeId, ControllerQuorumConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.clientId = "varve-broker-" + nodeId;
    }

    /**
     * Registers a broker with the active controller.
     *
     * @return the controller's answer with error NONE
     * @throws IOException when no controller accepted it before {@code timeoutMs}, with the last answer
     */
    public RegisterBrokerCodec.Response register(RegisterBrokerCodec.Request request, long timeoutMs) throws IOException {
        long deadlineNs = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<ControllerQuorumConfig.Voter> voters = new ArrayList<>(config.voters().values());
        int next = 0;
        long backoffMs = 50;
        String last = "no voter answered";
        while (clock.nanoTime() - deadlineNs < 0) {
            ControllerQuorumConfig.Voter voter = voters.get(next % voters.size());
            next++;
            try {
                RegisterBrokerCodec.Response response = exchange(voter, request);
                if (response.errorCode() == Errors.NONE.code) {
                    return response;
                }
                last = "voter " + voter.id() + ": " + Errors.forCode(response.errorCode()) + " " + response.message();
                ControllerQuorumConfig.Voter leader = config.voters().get(response.leaderId());
                if (leader != null && leader.id() != voter.id()) {
                    next = voters.indexOf(leader);
                    continue;
                }
            } catch (IOException | MalformedMessageException e) {
                last = "voter " + voter.id() + ": " + e;
            }
            LOG.debug("Registering node {} failed ({}); retrying", request.nodeId(), last);
            pause(backoffMs);
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
        throw new IOException("no active controller registered node " + request.nodeId() + " within " + timeoutMs
            + " ms; last answer: " + last);
    }

    private RegisterBrokerCodec.Response exchange(ControllerQuorumConfig.Voter voter, RegisterBrokerCodec.Request request)
        throws IOException {
        int id = ++correlationId;
        ByteBuffer frame = InternalFrames.request(InternalApiKey.REGISTER_BROKER, id, clientId,
            w -> RegisterBrokerCodec.write(request, w));
        try (Socket s = new Socket()) {
            s.setSoTimeout(config.requestTimeoutMs());
            s.connect(new InetSocketAddress(voter.host(), voter.port()), config.requestTimeoutMs());
            OutputStream out = s.getOutputStream();
            out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] body = new byte[InternalFrames.checkedSize(in.readInt(), MAX_RESPONSE_BYTES)];
            in.readFully(body);
            ProtocolReader reader = new ProtocolReader(ByteBuffer.wrap(body));
            if (InternalFrames.readResponseHeader(reader) != id) {
                throw new MalformedMessageException("response to another request");
            }
            return RegisterBrokerCodec.readResponse(reader);
        }
    }

    private static void pause(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while registering", e);
        }
    }
}
