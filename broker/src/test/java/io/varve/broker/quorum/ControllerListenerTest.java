package io.varve.broker.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.network.NetworkMetrics;
import io.varve.broker.network.NetworkServer;
import io.varve.broker.network.RequestHandler;
import io.varve.common.Clock;
import io.varve.common.ManualClock;
import io.varve.config.BrokerConfig;
import io.varve.config.ControllerQuorumConfig;
import io.varve.config.LogConfig;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.raft.core.HardState;
import io.varve.raft.core.RaftConfig;
import io.varve.raft.core.RaftMessage;
import io.varve.raft.core.RaftNode;
import io.varve.raft.log.QuorumStateFile;
import io.varve.raft.log.MetadataRaftLog;
import io.varve.raft.rpc.AllocateProducerIdsCodec;
import io.varve.raft.rpc.BrokerHeartbeatCodec;
import io.varve.raft.rpc.InternalApiKey;
import io.varve.raft.rpc.InternalFrames;
import io.varve.raft.rpc.RaftMessageCodec;
import io.varve.raft.rpc.RegisterBrokerCodec;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §3: internal RPCs travel on the controller listener only. Over real sockets: the controller
 * listener takes a Raft message into the driver's queue and answers registration; the client
 * listener refuses an internal API key (closed, counted as unknown), and the controller listener
 * refuses a client API (closed, counted as malformed).
 */
class ControllerListenerTest {

    private static final int TIMEOUT_MS = 10_000;

    @TempDir
    Path dir;

    private final NetworkMetrics metrics = new NetworkMetrics();
    private MetadataRaftLog log;
    private RaftDriver driver;
    private NetworkServer server;

    @BeforeEach
    void start() throws Exception {
        ManualClock clock = new ManualClock();
        log = MetadataRaftLog.open(dir, LogConfig.from(Map.of()), clock);
        RaftNode node = new RaftNode(new RaftConfig(1, Set.of(1, 2, 3), 1000, 100, 1 << 20, 4), HardState.INITIAL, log,
            new Random(1), clock.nanoTime());
        driver = new RaftDriver(node, log, new QuorumStateFile(dir), new NoTransport(), clock, 10); // not started: the queue is observed
        ControllerRpcService rpcs = new ControllerRpcService(1, Set.of(1, 2, 3), driver, new ControllerRpcService.BrokerRpcs() {
            @Override
            public CompletableFuture<RegisterBrokerCodec.Response> register(RegisterBrokerCodec.Request q) {
                return CompletableFuture.completedFuture(new RegisterBrokerCodec.Response(Errors.NONE.code, null, 42, 1));
            }

            @Override
            public CompletableFuture<BrokerHeartbeatCodec.Response> heartbeat(BrokerHeartbeatCodec.Request q) {
                return CompletableFuture.completedFuture(new BrokerHeartbeatCodec.Response(Errors.NONE.code, false, false, 1));
            }

            @Override
            public CompletableFuture<AllocateProducerIdsCodec.Response> allocateProducerIds(int nodeId) {
                return CompletableFuture.completedFuture(new AllocateProducerIdsCodec.Response(Errors.NONE.code, 0, 1000, 1));
            }

            @Override
            public CompletableFuture<io.varve.raft.rpc.CreateTopicsCodec.Response> createTopics(
                io.varve.raft.rpc.CreateTopicsCodec.Request q) {
                return CompletableFuture.completedFuture(new io.varve.raft.rpc.CreateTopicsCodec.Response(1, List.of()));
            }

            @Override
            public CompletableFuture<io.varve.raft.rpc.DeleteTopicsCodec.Response> deleteTopics(
                List<io.varve.raft.controller.TopicRef> topics) {
                return CompletableFuture.completedFuture(new io.varve.raft.rpc.DeleteTopicsCodec.Response(1, List.of()));
            }

            @Override
            public CompletableFuture<io.varve.raft.rpc.CreatePartitionsCodec.Response> createPartitions(
                io.varve.raft.rpc.CreatePartitionsCodec.Request q) {
                return CompletableFuture.completedFuture(new io.varve.raft.rpc.CreatePartitionsCodec.Response(1, List.of()));
            }

            @Override
            public CompletableFuture<io.varve.raft.rpc.AlterPartitionCodec.Response> alterPartition(
                io.varve.raft.rpc.AlterPartitionCodec.Request q) {
                return CompletableFuture.completedFuture(new io.varve.raft.rpc.AlterPartitionCodec.Response(Errors.NONE.code, 1));
            }
        }, new MetadataFetchService(driver));
        BrokerConfig config = BrokerConfig.from(Map.of(
            BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0",
            BrokerConfig.CONTROLLER_LISTENER_NAMES, "CONTROLLER", BrokerConfig.NUM_NETWORK_THREADS, 1));
        RequestHandler noClientApis = (context, request, done) -> {
            throw new AssertionError("no client request is expected in this test: " + request);
        };
        server = new NetworkServer(config, noClientApis, rpcs, metrics, Clock.system());
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        driver.close();
        log.close();
    }

    @Test
    void theControllerListenerQueuesRaftMessagesAndAnswersRegistrations() throws IOException {
        try (Socket s = connect("CONTROLLER")) {
            RaftMessage vote = new RaftMessage.VoteRequest(2, 1, 3, true, 0, 0);
            send(s, InternalFrames.request(InternalApiKey.RAFT_MESSAGE, 7, "node-2", w -> RaftMessageCodec.write(vote, w)));
            ProtocolReader ack = readFrame(s);
            assertEquals(7, InternalFrames.readResponseHeader(ack));
            assertEquals(Errors.NONE.code, RaftMessageCodec.readAck(ack));

            RegisterBrokerCodec.Request q = new RegisterBrokerCodec.Request(2, "127.0.0.1", 9192, null);
            send(s, InternalFrames.request(InternalApiKey.REGISTER_BROKER, 8, "node-2", w -> RegisterBrokerCodec.write(q, w)));
            ProtocolReader answer = readFrame(s);
            assertEquals(8, InternalFrames.readResponseHeader(answer));
            assertEquals(42, RegisterBrokerCodec.readResponse(answer).brokerEpoch());
        }
    }

    @Test
    void aRaftMessageForAnotherNodeOrFromANonVoterClosesTheConnection() throws IOException {
        try (Socket s = connect("CONTROLLER")) {
            RaftMessage stranger = new RaftMessage.VoteRequest(9, 1, 3, true, 0, 0);
            send(s, InternalFrames.request(InternalApiKey.RAFT_MESSAGE, 1, "x", w -> RaftMessageCodec.write(stranger, w)));
            assertClosed(s);
        }
        assertEquals(1, metrics.malformedRequests());
    }

    @Test
    void theClientListenerRefusesInternalApis() throws IOException {
        try (Socket s = connect("PLAINTEXT")) {
            RaftMessage vote = new RaftMessage.VoteRequest(2, 1, 3, false, 0, 0);
            send(s, InternalFrames.request(InternalApiKey.RAFT_MESSAGE, 7, "node-2", w -> RaftMessageCodec.write(vote, w)));
            assertClosed(s);
        }
        assertEquals(1, metrics.unknownApiKeys());
    }

    @Test
    void theControllerListenerRefusesClientApis() throws IOException {
        ProtocolWriter w = new ProtocolWriter();
        w.writeInt32(0).writeInt16(18).writeInt16(3).writeInt32(1).writeNullableString("client", false)
            .writeEmptyTaggedFields().writeString("varve-test", true).writeString("1.0", true).writeEmptyTaggedFields();
        w.putInt32At(0, w.position() - 4);
        try (Socket s = connect("CONTROLLER")) {
            send(s, w.toByteBuffer());
            assertClosed(s);
        }
        assertTrue(metrics.malformedRequests() >= 1);
    }

    private Socket connect(String listener) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.boundPort(listener)), TIMEOUT_MS);
        s.setSoTimeout(TIMEOUT_MS);
        return s;
    }

    private static void send(Socket s, ByteBuffer frame) throws IOException {
        s.getOutputStream().write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        s.getOutputStream().flush();
    }

    private static ProtocolReader readFrame(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] body = new byte[InternalFrames.checkedSize(in.readInt(), 1 << 16)];
        in.readFully(body);
        return new ProtocolReader(ByteBuffer.wrap(body));
    }

    private static void assertClosed(Socket s) throws IOException {
        try {
            assertEquals(-1, s.getInputStream().read(), "the server closes the connection");
        } catch (SocketException reset) {
            // Reset while our bytes were unread: closed all the same.
        }
    }

    private static final class NoTransport implements RaftTransport {
        @Override
        public void send(RaftMessage message) {
            throw new AssertionError("the driver is not started in this test");
        }

        @Override
        public void close() {
        }
    }
}
