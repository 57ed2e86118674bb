package io.varve.broker.quorum;

import io.varve.common.Clock;
import io.varve.config.ControllerQuorumConfig;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.raft.controller.TopicRef;
import io.varve.raft.rpc.AllocateProducerIdsCodec;
import io.varve.raft.rpc.AlterPartitionCodec;
import io.varve.raft.rpc.BrokerHeartbeatCodec;
import io.varve.raft.rpc.CreatePartitionsCodec;
import io.varve.raft.rpc.CreateTopicsCodec;
import io.varve.raft.rpc.DeleteTopicsCodec;
import io.varve.raft.rpc.InternalApiKey;
import io.varve.raft.rpc.InternalFrames;
import io.varve.raft.rpc.RegisterBrokerCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's blocking client of the active controller: asks the voters in turn (the one a voter
 * names as leader first) until the active one answers, retrying with backoff until a deadline. One
 * short connection per request: registrations and heartbeats are rare. Used off the event loops.
 * Not thread-safe; one caller at a time.
 */
public final class ControllerClient {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerClient.class);
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;
    /** Answers that mean "ask the active controller instead". */
    private static final Set<Errors> RETRY_ELSEWHERE =
        Set.of(Errors.NOT_CONTROLLER, Errors.REQUEST_TIMED_OUT, Errors.UNKNOWN_SERVER_ERROR);

    private final ControllerQuorumConfig config;
    private final Clock clock;
    private final String clientId;
    private int correlationId;
    /** The voter to ask next: the last leader named, else round-robin. */
    private int next;

    public ControllerClient(int nodeId, ControllerQuorumConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.clientId = "varve-broker-" + nodeId;
    }

    /**
     * Registers a broker with the active controller.
     *
     * @return the active controller's answer (error NONE, or a refusal such as INVALID_REQUEST)
     * @throws IOException when no active controller answered before {@code timeoutMs}
     */
    public RegisterBrokerCodec.Response register(RegisterBrokerCodec.Request request, long timeoutMs) throws IOException {
        return call(InternalApiKey.REGISTER_BROKER, w -> RegisterBrokerCodec.write(request, w),
            RegisterBrokerCodec::readResponse, RegisterBrokerCodec.Response::errorCode,
            RegisterBrokerCodec.Response::leaderId, timeoutMs);
    }

    /**
     * Sends a heartbeat to the active controller.
     *
     * @return the active controller's answer (NONE, STALE_BROKER_EPOCH, BROKER_ID_NOT_REGISTERED)
     * @throws IOException when no active controller answered before {@code timeoutMs}
     */
    public BrokerHeartbeatCodec.Response heartbeat(BrokerHeartbeatCodec.Request request, long timeoutMs) throws IOException {
        return call(InternalApiKey.BROKER_HEARTBEAT, w -> BrokerHeartbeatCodec.write(request, w),
            BrokerHeartbeatCodec::readResponse, BrokerHeartbeatCodec.Response::errorCode,
            BrokerHeartbeatCodec.Response::leaderId, timeoutMs);
    }

    /**
     * Asks the active controller for a block of producer ids for broker {@code nodeId}.
     *
     * @throws IOException when no active controller answered before {@code timeoutMs}
     */
    public AllocateProducerIdsCodec.Response allocateProducerIds(int nodeId, long timeoutMs) throws IOException {
        return call(InternalApiKey.ALLOCATE_PRODUCER_IDS, w -> AllocateProducerIdsCodec.writeRequest(nodeId, w),
            AllocateProducerIdsCodec::readResponse, AllocateProducerIdsCodec.Response::errorCode,
            AllocateProducerIdsCodec.Response::leaderId, timeoutMs);
    }

    /**
     * Forwards topic creations to the active controller.
     *
     * @throws IOException when no active controller answered before {@code timeoutMs}
     */
    public CreateTopicsCodec.Response createTopics(CreateTopicsCodec.Request request, long timeoutMs) throws IOException {
        return call(InternalApiKey.CREATE_TOPICS, w -> CreateTopicsCodec.write(request, w), CreateTopicsCodec::readResponse,
            r -> r.results().stream().allMatch(t -> t.error() == Errors.NOT_CONTROLLER) && !r.results().isEmpty()
                ? Errors.NOT_CONTROLLER.code : Errors.NONE.code,
            CreateTopicsCodec.Response::leaderId, timeoutMs);
    }

    /**
     * Forwards topic deletions to the active controller.
     *
     * @throws IOException when no active controller answered before {@code timeoutMs}
     */
    public DeleteTopicsCodec.Response deleteTopics(List<TopicRef> topics, long timeoutMs) throws IOException {
        return call(InternalApiKey.DELETE_TOPICS, w -> DeleteTopicsCodec.writeRequest(topics, w), DeleteTopicsCodec::readResponse,
            r -> allNotController(r.results().stream().map(t -> t.error()).toList()), DeleteTopicsCodec.Response::leaderId,
            timeoutMs);
    }

    /**
     * Forwards partition additions to the active controller.
     *
     * @throws IOException when no active controller answered before {@code timeoutMs}
     */
    public CreatePartitionsCodec.Response createPartitions(CreatePartitionsCodec.Request request, long timeoutMs)
        throws IOException {
        return call(InternalApiKey.CREATE_PARTITIONS, w -> CreatePartitionsCodec.write(request, w),
            CreatePartitionsCodec::readResponse, r -> allNotController(r.results().stream().map(t -> t.error()).toList()),
            CreatePartitionsCodec.Response::leaderId, timeoutMs);
    }

    /**
     * Sends a leader's ISR change (AlterPartition) to the active controller.
     *
     * @return the active controller's answer (NONE, FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION, ...)
     * @throws IOException when no active controller answered before {@code timeoutMs}
     */
    public AlterPartitionCodec.Response alterPartition(AlterPartitionCodec.Request request, long timeoutMs) throws IOException {
        return call(InternalApiKey.ALTER_PARTITION, w -> AlterPartitionCodec.write(request, w),
            AlterPartitionCodec::readResponse, AlterPartitionCodec.Response::errorCode, AlterPartitionCodec.Response::leaderId,
            timeoutMs);
    }

    /** NOT_CONTROLLER when every per-topic answer is, so that the call asks the leader instead. */
    private static int allNotController(List<Errors> errors) {
        return !errors.isEmpty() && errors.stream().allMatch(e -> e == Errors.NOT_CONTROLLER)
            ? Errors.NOT_CONTROLLER.code : Errors.NONE.code;
    }

    /**
     * Asks the voters in turn, the named leader first, until one answers with an error other than
     * the retriable "not the active controller" kind, backing off between rounds.
     */
    private <R> R call(InternalApiKey key, Consumer<ProtocolWriter> body, Function<ProtocolReader, R> read,
                       ToIntFunction<R> errorOf, ToIntFunction<R> leaderOf, long timeoutMs) throws IOException {
        long deadlineNs = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<ControllerQuorumConfig.Voter> voters = new ArrayList<>(config.voters().values());
        int failures = 0;
        String last = "no voter answered";
        do {
            int index = Math.floorMod(next, voters.size());
            ControllerQuorumConfig.Voter voter = voters.get(index);
            next = index + 1;
            try {
                int leftMs = (int) Math.max(1, Math.min(config.requestTimeoutMs(),
                    TimeUnit.NANOSECONDS.toMillis(deadlineNs - clock.nanoTime())));
                R response = exchange(voter, key, body, read, leftMs);
                Errors error = Errors.forCode((short) errorOf.applyAsInt(response));
                if (!RETRY_ELSEWHERE.contains(error)) {
                    next = index; // the active controller: ask it first next time
                    return response;
                }
                last = "voter " + voter.id() + ": " + error;
                ControllerQuorumConfig.Voter leader = config.voters().get(leaderOf.applyAsInt(response));
                if (leader != null && leader.id() != voter.id()) {
                    next = voters.indexOf(leader);
                    continue;
                }
            } catch (IOException | MalformedMessageException e) {
                last = "voter " + voter.id() + ": " + e;
            }
            LOG.debug("{} failed ({}); retrying", key, last);
            pause(Math.min(QuorumThreads.RETRY_BACKOFF.termMs(failures++),
                Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - clock.nanoTime()))));
        } while (clock.nanoTime() - deadlineNs < 0);
        throw new IOException("no active controller answered " + key + " within " + timeoutMs + " ms; last: " + last);
    }

    private <R> R exchange(ControllerQuorumConfig.Voter voter, InternalApiKey key, Consumer<ProtocolWriter> body,
                           Function<ProtocolReader, R> read, int timeoutMs) throws IOException {
        int id = ++correlationId;
        ByteBuffer frame = InternalFrames.request(key, id, clientId, body);
        try (Socket s = new Socket()) {
            // Bounded by the caller's deadline: a frozen voter accepts connections but never answers.
            s.setSoTimeout(timeoutMs);
            s.connect(new InetSocketAddress(voter.host(), voter.port()), timeoutMs);
            ProtocolReader reader = QuorumThreads.exchange(s, frame, MAX_RESPONSE_BYTES);
            if (InternalFrames.readResponseHeader(reader) != id) {
                throw new MalformedMessageException("response to another request");
            }
            return read.apply(reader);
        }
    }

    private static void pause(long ms) throws IOException {
        if (!QuorumThreads.pause(ms)) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while registering");
        }
    }
}
