package io.varve.broker.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.network.NetworkMetrics;
import io.varve.broker.network.NetworkServer;
import io.varve.common.Clock;
import io.varve.common.ManualClock;
import io.varve.config.BrokerConfig;
import io.varve.config.ControllerQuorumConfig;
import io.varve.config.LogConfig;
import io.varve.raft.core.HardState;
import io.varve.raft.core.RaftConfig;
import io.varve.raft.core.RaftEntry;
import io.varve.raft.core.RaftMessage;
import io.varve.raft.core.RaftNode;
import io.varve.raft.log.MetadataRaftLog;
import io.varve.raft.log.QuorumStateFile;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.rpc.AllocateProducerIdsCodec;
import io.varve.raft.rpc.BrokerHeartbeatCodec;
import io.varve.raft.rpc.CreateTopicsCodec;
import io.varve.raft.rpc.FetchMetadataCodec;
import io.varve.raft.rpc.RegisterBrokerCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State Watch: a broker that is not a voter follows the committed metadata log of a voter over the
 * controller listener (long poll), and continues from the voter's snapshot once the records it needs
 * were compacted (Low-Water Mark). The voter is a Raft follower driven turn by turn from the test
 * thread, its leader's appends handed in by the test.
 */
class StateWatchTest {

    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final NetworkMetrics metrics = new NetworkMetrics();
    private MetadataRaftLog log;
    private RaftDriver driver;
    private MetadataFetchService fetches;
    private NetworkServer server;
    private final List<MetadataFollower> followers = new ArrayList<>();
    private int lastIndex;

    @BeforeEach
    void start() throws Exception {
        log = MetadataRaftLog.open(dir, LogConfig.from(Map.of()), clock);
        RaftNode node = new RaftNode(new RaftConfig(1, Set.of(1, 2, 3), 1000, 100, 1 << 20, 4), HardState.INITIAL, log,
            new Random(1), clock.nanoTime());
        driver = new RaftDriver(node, log, new QuorumStateFile(dir), new AcksDropped(), clock, 10, "cluster", 6);
        fetches = new MetadataFetchService(driver);
        ControllerRpcService rpcs = new ControllerRpcService(1, Set.of(1, 2, 3), driver, new NoBrokerRpcs(), fetches);
        server = new NetworkServer(BrokerConfig.from(Map.of(BrokerConfig.LISTENERS, "CONTROLLER://127.0.0.1:0",
            BrokerConfig.CONTROLLER_LISTENER_NAMES, "CONTROLLER", BrokerConfig.NUM_NETWORK_THREADS, 1)),
            (context, request, done) -> {
                throw new AssertionError("no client request is expected: " + request);
            }, rpcs, metrics, Clock.system());
        server.start();
    }

    @AfterEach
    void stop() {
        followers.forEach(MetadataFollower::close);
        server.close();
        driver.close();
        log.close();
    }

    @Test
    void aVoterAnswersCommittedRecordsOnlyAndParksAFetchUntilTheNextCommit() throws Exception {
        commitTopics(3);
        FetchMetadataCodec.Response all = fetches.answer(new FetchMetadataCodec.Request(0, 1 << 20, 0));
        assertEquals(List.of("t1", "t2", "t3"), all.records().stream().map(r -> ((MetadataRecord.Topic) r.record()).name()).toList());
        assertEquals(3, all.nextOffset());
        assertEquals(2, all.leaderId(), "the voter names the leader it follows");
        assertEquals(1, fetches.answer(new FetchMetadataCodec.Request(0, 1, 0)).records().size(),
            "at least one batch, then the byte limit");

        CompletableFuture<FetchMetadataCodec.Response> parked = fetches.fetch(new FetchMetadataCodec.Request(3, 1 << 20, 60_000));
        assertFalse(parked.isDone(), "nothing after offset 3 is committed: the fetch waits");
        commitTopics(1);
        FetchMetadataCodec.Response woken = parked.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(List.of(3L), woken.records().stream().map(FetchMetadataCodec.OffsetRecord::offset).toList());
    }

    @Test
    void aBrokerFollowsTheLogOverTheControllerListenerAndCatchesUpThroughASnapshot() throws Exception {
        commitTopics(3);
        Semaphore updates = new Semaphore(0);
        MetadataFollower early = follower(updates);
        assertTrue(early.awaitCaughtUp(TimeUnit.SECONDS.toMillis(WAIT_SECONDS)));
        assertEquals(3, early.image().topicsByName().size());

        commitTopics(5); // 8 offsets committed: the voter snapshots (every 6) and drops its log below
        assertEquals(8, log.logStartOffset());
        assertNotNull(log.snapshotImage());
        MetadataFollower late = follower(updates);
        awaitTopics(early, 8, updates);
        awaitTopics(late, 8, updates);
        assertEquals(7, late.image().lastAppliedOffset(), "the late broker started from the snapshot");

        commitTopics(1);
        awaitTopics(early, 9, updates);
        awaitTopics(late, 9, updates);
        assertEquals(early.image().topicsByName().keySet(), late.image().topicsByName().keySet());
    }

    private MetadataFollower follower(Semaphore updates) {
        ControllerQuorumConfig quorum = ControllerQuorumConfig.from(Map.of(ControllerQuorumConfig.VOTERS,
            "1@127.0.0.1:" + server.boundPort("CONTROLLER")));
        MetadataFollower f = new MetadataFollower(10 + followers.size(), "cluster", quorum);
        followers.add(f);
        f.start(updates::release);
        return f;
    }

    /** Waits (bounded) for {@code f}'s image to hold {@code topics} topics, woken by its updates. */
    private static void awaitTopics(MetadataFollower f, int topics, Semaphore updates) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (f.image().topicsByName().size() < topics && System.nanoTime() - deadline < 0) {
            updates.tryAcquire(100, TimeUnit.MILLISECONDS);
        }
        MetadataImage image = f.image();
        assertEquals(topics, image.topicsByName().size(), image.topicsByName().keySet().toString());
    }

    /** The leader (node 2) appends {@code n} entries of one topic each and commits them; the voter applies them. */
    private void commitTopics(int n) throws Exception {
        List<RaftEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = lastIndex + i + 1;
            entries.add(new RaftEntry(index, 1, log.encode(List.of(topic(index)))));
        }
        driver.offer(new RaftMessage.AppendRequest(2, 1, 1, lastIndex, lastIndex == 0 ? 0 : 1, entries, lastIndex + n));
        lastIndex += n;
        driver.runOnce(0);
        fetches.onCommit(); // what RaftQuorumNode wires to the driver's commit hook
    }

    private static MetadataRecord topic(int i) {
        return new MetadataRecord.Topic("t" + i, new UUID(11, i));
    }

    /** The voter's acknowledgments to its leader go nowhere: the test plays the leader. */
    private static final class AcksDropped implements RaftTransport {
        @Override
        public void send(RaftMessage message) {
        }

        @Override
        public void close() {
        }
    }

    private static final class NoBrokerRpcs implements ControllerRpcService.BrokerRpcs {
        @Override
        public CompletableFuture<RegisterBrokerCodec.Response> register(RegisterBrokerCodec.Request request) {
            return CompletableFuture.failedFuture(new AssertionError("not in this test"));
        }

        @Override
        public CompletableFuture<BrokerHeartbeatCodec.Response> heartbeat(BrokerHeartbeatCodec.Request request) {
            return CompletableFuture.failedFuture(new AssertionError("not in this test"));
        }

        @Override
        public CompletableFuture<AllocateProducerIdsCodec.Response> allocateProducerIds(int nodeId) {
            return CompletableFuture.failedFuture(new AssertionError("not in this test"));
        }

        @Override
        public CompletableFuture<CreateTopicsCodec.Response> createTopics(CreateTopicsCodec.Request request) {
            return CompletableFuture.failedFuture(new AssertionError("not in this test"));
        }

        @Override
        public CompletableFuture<io.varve.raft.rpc.DeleteTopicsCodec.Response> deleteTopics(
            java.util.List<io.varve.raft.controller.TopicRef> topics) {
            return CompletableFuture.failedFuture(new AssertionError("not in this test"));
        }

        @Override
        public CompletableFuture<io.varve.raft.rpc.CreatePartitionsCodec.Response> createPartitions(
            io.varve.raft.rpc.CreatePartitionsCodec.Request request) {
            return CompletableFuture.failedFuture(new AssertionError("not in this test"));
        }

        @Override
        public CompletableFuture<io.varve.raft.rpc.AlterPartitionCodec.Response> alterPartition(
            io.varve.raft.rpc.AlterPartitionCodec.Request request) {
            return CompletableFuture.failedFuture(new AssertionError("not in this test"));
        }
    }
}
