package io.varve.broker.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.broker.network.NetworkMetrics;
import io.varve.broker.network.NetworkServer;
import io.varve.broker.network.RequestHandler;
import io.varve.common.Clock;
import io.varve.common.ManualClock;
import io.varve.config.BrokerConfig;
import io.varve.config.ControllerQuorumConfig;
import io.varve.config.LogConfig;
import io.varve.protocol.Errors;
import io.varve.raft.controller.CreatePartitionsResult;
import io.varve.raft.controller.DeleteTopicResult;
import io.varve.raft.controller.NewPartitions;
import io.varve.raft.controller.TopicRef;
import io.varve.raft.core.HardState;
import io.varve.raft.core.RaftConfig;
import io.varve.raft.core.RaftMessage;
import io.varve.raft.core.RaftNode;
import io.varve.raft.log.MetadataRaftLog;
import io.varve.raft.log.QuorumStateFile;
import io.varve.raft.rpc.AllocateProducerIdsCodec;
import io.varve.raft.rpc.AlterPartitionCodec;
import io.varve.raft.rpc.BrokerHeartbeatCodec;
import io.varve.raft.rpc.CreatePartitionsCodec;
import io.varve.raft.rpc.CreateTopicsCodec;
import io.varve.raft.rpc.DeleteTopicsCodec;
import io.varve.raft.rpc.RegisterBrokerCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarded DeleteTopics and CreatePartitions, and AlterPartition over the network, across real
 * controller listeners: two voters, of which the one asked first is not the active controller and names the other.
 * The request ends at the active one, and its answer (an error
 * included) is what the broker gets back.
 */
class ForwardingOverTheControllerListenerTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final FakeController one = new FakeController();
    private final FakeController two = new FakeController();
    /** The voter the client asks first (the configuration's order): not the active one. */
    private FakeController follower;
    private FakeController active;
    private ControllerQuorumConfig quorum;

    @BeforeEach
    void start() throws Exception {
        int port1 = listen(1, one);
        int port2 = listen(2, two);
        quorum = ControllerQuorumConfig.from(Map.of(ControllerQuorumConfig.VOTERS,
            "1@127.0.0.1:" + port1 + ",2@127.0.0.1:" + port2));
        int first = quorum.voters().values().iterator().next().id();
        follower = first == 1 ? one : two;
        active = first == 1 ? two : one;
        active.isActive = true;
        int leader = first == 1 ? 2 : 1;
        one.leader = leader;
        two.leader = leader;
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void anIsrChangeReachesTheActiveControllerAndItsRefusalComesBack() throws Exception {
        try (NetworkIsrChangeSink sink = new NetworkIsrChangeSink(3, quorum, Clock.system())) {
            UUID topic = new UUID(7, 7);
            assertEquals(Errors.NONE, sink.alterPartition(topic, 2, 3, 5, new int[] {3, 1}, 9).get(10, TimeUnit.SECONDS));
            active.alterError = Errors.FENCED_LEADER_EPOCH;
            assertEquals(Errors.FENCED_LEADER_EPOCH,
                sink.alterPartition(topic, 2, 3, 4, new int[] {3}, 9).get(10, TimeUnit.SECONDS));

            assertEquals(new AlterPartitionCodec.Request(topic, 2, 3, 5, new int[] {3, 1}, 9), active.alterations.get(0));
            assertEquals(2, active.alterations.size());
            assertEquals(1, follower.alterations.size(), "the first request asked voter 1, which named voter 2");
        }
    }

    @Test
    void deletionsAndPartitionAdditionsAreForwardedToTheActiveController() throws Exception {
        // never the active controller: every call goes over the controller listener
        try (ControllerForwarder forwarder = new ControllerForwarder(3, () -> false, quorum, Clock.system())) {
            List<DeleteTopicResult> deleted = forwarder.deleteTopics(List.of(TopicRef.byName("orders"))).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(new DeleteTopicResult("orders", new UUID(1, 2), Errors.NONE, null)), deleted);
            List<CreatePartitionsResult> grown = forwarder.createPartitions(List.of(new NewPartitions("orders", 4)), false)
                .get(10, TimeUnit.SECONDS);
            assertEquals(List.of(new CreatePartitionsResult("orders", Errors.NONE, null)), grown);
            assertEquals(List.of(new NewPartitions("orders", 4)), active.additions.get(0).topics());
        }
    }

    private int listen(int nodeId, FakeController rpcs) throws Exception {
        Path d = dir.resolve("node-" + nodeId);
        ManualClock clock = new ManualClock();
        MetadataRaftLog log = MetadataRaftLog.open(d, LogConfig.from(Map.of()), clock);
        closeables.add(log);
        RaftNode node = new RaftNode(new RaftConfig(nodeId, Set.of(1, 2), 1000, 100, 1 << 20, 4), HardState.INITIAL, log,
            new Random(1), clock.nanoTime());
        RaftDriver driver = new RaftDriver(node, log, new QuorumStateFile(d), new NoTransport(), clock, 10);
        closeables.add(driver);
        BrokerConfig config = BrokerConfig.from(Map.of(
            BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0",
            BrokerConfig.CONTROLLER_LISTENER_NAMES, "CONTROLLER", BrokerConfig.NUM_NETWORK_THREADS, 1));
        RequestHandler noClientApis = (context, request, done) -> {
            throw new AssertionError("no client request is expected in this test: " + request);
        };
        NetworkServer server = new NetworkServer(config, noClientApis, new ControllerRpcService(nodeId, Set.of(1, 2), driver, rpcs,
            new MetadataFetchService(driver)),
            new NetworkMetrics(), Clock.system());
        server.start();
        closeables.add(server);
        return server.boundPort("CONTROLLER");
    }

    /** The active voter answers; the other answers NOT_CONTROLLER naming it. Records what reached it. */
    private static final class FakeController implements ControllerRpcService.BrokerRpcs {
        volatile boolean isActive;
        volatile int leader = -1;
        final List<AlterPartitionCodec.Request> alterations = new CopyOnWriteArrayList<>();
        final List<CreatePartitionsCodec.Request> additions = new CopyOnWriteArrayList<>();
        volatile Errors alterError = Errors.NONE;

        @Override
        public CompletableFuture<RegisterBrokerCodec.Response> register(RegisterBrokerCodec.Request q) {
            throw new AssertionError("not used");
        }

        @Override
        public CompletableFuture<BrokerHeartbeatCodec.Response> heartbeat(BrokerHeartbeatCodec.Request q) {
            throw new AssertionError("not used");
        }

        @Override
        public CompletableFuture<AllocateProducerIdsCodec.Response> allocateProducerIds(int nodeId) {
            throw new AssertionError("not used");
        }

        @Override
        public CompletableFuture<CreateTopicsCodec.Response> createTopics(CreateTopicsCodec.Request q) {
            throw new AssertionError("not used");
        }

        @Override
        public CompletableFuture<DeleteTopicsCodec.Response> deleteTopics(List<TopicRef> topics) {
            return CompletableFuture.completedFuture(isActive
                ? new DeleteTopicsCodec.Response(leader, List.of(new DeleteTopicResult("orders", new UUID(1, 2), Errors.NONE, null)))
                : ActiveController.failAll(topics, Errors.NOT_CONTROLLER, "not active", leader));
        }

        @Override
        public CompletableFuture<CreatePartitionsCodec.Response> createPartitions(CreatePartitionsCodec.Request q) {
            if (!isActive) {
                return CompletableFuture.completedFuture(ActiveController.failAll(q, Errors.NOT_CONTROLLER, "not active", leader));
            }
            additions.add(q);
            return CompletableFuture.completedFuture(new CreatePartitionsCodec.Response(leader,
                q.topics().stream().map(t -> new CreatePartitionsResult(t.topic(), Errors.NONE, null)).toList()));
        }

        @Override
        public CompletableFuture<AlterPartitionCodec.Response> alterPartition(AlterPartitionCodec.Request q) {
            alterations.add(q);
            return CompletableFuture.completedFuture(new AlterPartitionCodec.Response(
                isActive ? alterError.code : Errors.NOT_CONTROLLER.code, leader));
        }
    }

    private static final class NoTransport implements io.varve.broker.quorum.RaftTransport {
        @Override
        public void send(RaftMessage message) {
            throw new AssertionError("the driver is not started in this test");
        }

        @Override
        public void close() {
        }
    }
}
