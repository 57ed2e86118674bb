package io.varve.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.controller.ControllerService;
import io.varve.broker.controller.MetadataPublisher;
import io.varve.broker.loop.EventLoop;
import io.varve.broker.loop.LoopHandler;
import io.varve.broker.loop.SharedLoopScheduler;
import io.varve.broker.quorum.BrokerLifecycle;
import io.varve.common.ManualClock;
import io.varve.raft.controller.Controller;
import io.varve.raft.controller.ControllerConfig;
import io.varve.raft.log.AppendOutcome;
import io.varve.raft.log.MetadataQuorum;
import io.varve.raft.metadata.BrokerRegistration;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.rpc.BrokerHeartbeatCodec;
import io.varve.raft.rpc.RegisterBrokerCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The metadata side of a cluster in one thread (DESIGN §5's shared mode): the real
 * {@link ControllerService} with its {@link Controller}, a quorum that commits on its own loop a few
 * milliseconds after each proposal, and three real {@link BrokerLifecycle}s whose RPCs reach the
 * controller through links the test can cut, all run by one {@link SharedLoopScheduler} on one
 * simulated clock. Brokers register and heartbeat, one is cut off and fenced once its lease runs out,
 * comes back and is unfenced, another shuts down under control. Named invariants are checked after
 * every turn, and the same seed replays the same history of images.
 */
class MetadataLoopsSimulationTest {

    private static final long SESSION_TIMEOUT_MS = 600;
    private static final long HEARTBEAT_INTERVAL_MS = 100;
    private static final long LEASE_TICK_MS = 50;
    private static final long COMMIT_DELAY_MS = 3;
    private static final long MAX_TURNS_PER_RUN = 200_000;

    /** A quorum that commits each batch {@link #COMMIT_DELAY_MS} after it was proposed, on its own loop. */
    private static final class DelayedQuorum implements MetadataQuorum, LoopHandler<DelayedQuorum.Proposal> {
        record Proposal(List<MetadataRecord> records, Consumer<AppendOutcome> onOutcome) {
        }

        private final List<MetadataRecord> committed = new ArrayList<>();
        private EventLoop<Proposal> loop;

        @Override
        public AppendOutcome append(List<MetadataRecord> records) {
            throw new AssertionError("no loop may wait for a commit");
        }

        @Override
        public void appendAsync(List<MetadataRecord> records, Consumer<AppendOutcome> onOutcome) {
            loop.offer(new Proposal(records, onOutcome));
        }

        @Override
        public void onCommand(Proposal p, long nowNs) {
            loop.schedule(nowNs + TimeUnit.MILLISECONDS.toNanos(COMMIT_DELAY_MS), t -> {
                long base = committed.size();
                committed.addAll(p.records());
                p.onOutcome().accept(AppendOutcome.committed(base, committed.size() - 1));
            });
        }

        @Override
        public long read(long fromOffset, RecordVisitor visitor) {
            for (int i = (int) Math.max(0, fromOffset); i < committed.size(); i++) {
                visitor.onRecord(committed.get(i), i);
            }
            return committed.size();
        }

        @Override
        public long endOffset() {
            return committed.size();
        }

        @Override
        public boolean isFailed() {
            return false;
        }

        @Override
        public void close() {
        }
    }

    /** One seeded run: its history of images, and what the checks saw. */
    private static final class Cluster {
        final SharedLoopScheduler scheduler;
        final MetadataPublisher images;
        final ControllerService controller;
        final Map<Integer, BrokerLifecycle> brokers = new HashMap<>();
        final Set<Integer> cut = new HashSet<>();
        /** Per broker: the time of the last heartbeat that renewed its lease and left it unfenced. */
        final Map<Integer, Long> leaseRenewedMs = new HashMap<>();
        final List<String> history = new ArrayList<>();
        final Map<Integer, Long> highestEpoch = new HashMap<>();
        long lastOffset = -1;
        int checks;

        Cluster(long seed) {
            this(seed, SESSION_TIMEOUT_MS);
        }

        /** @param controllerSessionMs the lease the controller enforces; the checks expect {@link #SESSION_TIMEOUT_MS} */
        Cluster(long seed, long controllerSessionMs) {
            scheduler = new SharedLoopScheduler(seed, new ManualClock());
            DelayedQuorum quorum = new DelayedQuorum();
            quorum.loop = new EventLoop<>("quorum", 1024, scheduler.clock(), quorum);
            scheduler.add(quorum.loop);
            Controller c = new Controller(quorum, "cluster",
                ControllerConfig.from(Map.of(ControllerConfig.BROKER_SESSION_TIMEOUT_MS, Long.toString(controllerSessionMs))),
                new Random(seed));
            images = new MetadataPublisher(c.image());
            images.subscribe(this::onImage);
            controller = new ControllerService(c, () -> 0, images, scheduler.clock(), scheduler.starter());
            controller.every(LEASE_TICK_MS, (ctl, nowMs) -> controller.propose(x -> x.decideTick(nowMs)));
            for (int id = 1; id <= 3; id++) {
                int nodeId = id;
                brokers.put(id, new BrokerLifecycle(new RegisterBrokerCodec.Request(id, "10.0.0." + id, 9092, null),
                    HEARTBEAT_INTERVAL_MS, scheduler.clock(), epoch -> { }, new Link(nodeId), scheduler.starter()));
            }
        }

        /** The broker's way to the controller, cut or not. */
        private final class Link implements BrokerLifecycle.ControllerRpcs {
            private final int nodeId;

            Link(int nodeId) {
                this.nodeId = nodeId;
            }

            @Override
            public CompletableFuture<RegisterBrokerCodec.Response> register(RegisterBrokerCodec.Request q, long timeoutMs) {
                if (cut.contains(nodeId)) {
                    return CompletableFuture.failedFuture(new IOException("link cut"));
                }
                long nowMs = scheduler.clock().monotonicMs();
                return controller.<io.varve.raft.controller.RegisterBrokerResult>propose(
                        c -> c.decideRegisterBroker(q.nodeId(), q.host(), q.port(), q.rack(), nowMs))
                    .thenApply(r -> new RegisterBrokerCodec.Response(r.error().code, r.message(), r.brokerEpoch(), 0));
            }

            @Override
            public CompletableFuture<BrokerHeartbeatCodec.Response> heartbeat(BrokerHeartbeatCodec.Request q, long timeoutMs) {
                if (cut.contains(nodeId)) {
                    return CompletableFuture.failedFuture(new IOException("link cut"));
                }
                long nowMs = scheduler.clock().monotonicMs();
                return controller.<io.varve.raft.controller.HeartbeatResult>propose(
                        c -> c.decideBrokerHeartbeat(q.nodeId(), q.brokerEpoch(), nowMs, q.wantShutDown(),
                            !q.offlineLogDirs().isEmpty()))
                    .thenApply(r -> {
                        if (r.error() == io.varve.protocol.Errors.NONE && !r.fenced()) {
                            leaseRenewedMs.put(nodeId, nowMs);
                        }
                        return new BrokerHeartbeatCodec.Response(r.error().code, r.fenced(), r.shouldShutDown(), 0);
                    });
            }

            @Override
            public void close() {
            }
        }

        private void onImage(MetadataImage image) {
            StringBuilder line = new StringBuilder().append(scheduler.clock().monotonicMs()).append("ms @")
                .append(image.lastAppliedOffset());
            for (BrokerRegistration b : image.brokers().values()) {
                line.append(' ').append(b.nodeId()).append(':').append(b.epoch()).append(b.fenced() ? "F" : "U");
            }
            history.add(line.toString());
        }

        /** Every named invariant, after every turn. */
        void check() {
            checks++;
            MetadataImage image = images.image();
            long nowMs = scheduler.clock().monotonicMs();
            // ImagesInOrder: the published image never goes back
            assertTrue(image.lastAppliedOffset() >= lastOffset, "ImagesInOrder at " + nowMs + "ms");
            lastOffset = image.lastAppliedOffset();
            for (BrokerRegistration b : image.brokers().values()) {
                // BrokerEpochsNeverGoBack: a node's registration is only ever replaced by a later one
                long highest = highestEpoch.getOrDefault(b.nodeId(), -1L);
                assertTrue(b.epoch() >= highest, "BrokerEpochsNeverGoBack for node " + b.nodeId());
                highestEpoch.put(b.nodeId(), b.epoch());
                // LeaseRespected: a broker whose lease is running is never fenced by the lease timer
                Long renewed = leaseRenewedMs.get(b.nodeId());
                if (b.fenced() && !b.inControlledShutdown() && renewed != null) {
                    assertTrue(nowMs - renewed >= SESSION_TIMEOUT_MS,
                        "LeaseRespected: node " + b.nodeId() + " fenced " + (nowMs - renewed) + " ms after its lease was renewed");
                }
            }
        }

        void runMs(long ms) {
            long deadlineNs = scheduler.clock().nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
            for (long turns = 0; turns < MAX_TURNS_PER_RUN; turns++) {
                EventLoop<?> ran = scheduler.step(deadlineNs);
                check();
                if (ran == null && scheduler.clock().nanoTime() >= deadlineNs) {
                    return;
                }
            }
            throw new AssertionError("more than " + MAX_TURNS_PER_RUN + " turns in " + ms + " ms: a livelock");
        }

        BrokerRegistration broker(int id) {
            return images.image().broker(id);
        }
    }

    /** Runs the whole scenario for one seed and returns the history of images. */
    private static List<String> scenario(long seed) {
        Cluster cluster = new Cluster(seed);
        List<CompletableFuture<Long>> started = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            started.add(cluster.brokers.get(id).begin());
        }
        cluster.runMs(1000);
        for (int id = 1; id <= 3; id++) {
            assertTrue(started.get(id - 1).isDone(), "node " + id + " registered");
            assertFalse(cluster.broker(id).fenced(), "node " + id + " unfenced by its heartbeats");
        }
        long epoch2 = cluster.broker(2).epoch();

        cluster.cut.add(2);
        cluster.runMs(SESSION_TIMEOUT_MS + 2 * LEASE_TICK_MS + 2 * COMMIT_DELAY_MS);
        assertTrue(cluster.broker(2).fenced(), "fenced once its lease ran out");
        assertFalse(cluster.broker(1).fenced());
        assertFalse(cluster.broker(3).fenced());

        cluster.cut.remove(2);
        cluster.runMs(2 * HEARTBEAT_INTERVAL_MS);
        assertFalse(cluster.broker(2).fenced(), "unfenced by its first heartbeat back");
        assertEquals(epoch2, cluster.broker(2).epoch(), "the same incarnation");

        CompletableFuture<Void> shutdown = cluster.brokers.get(3).beginShutdown();
        cluster.runMs(500);
        assertTrue(shutdown.isDone(), "the controller released node 3");
        assertEquals(BrokerLifecycle.State.STOPPED, cluster.brokers.get(3).state());
        assertTrue(cluster.checks >= cluster.scheduler.turns() && cluster.scheduler.turns() > 100,
            "invariants checked after every one of " + cluster.scheduler.turns() + " turns: " + cluster.checks);
        return cluster.history;
    }

    @Test
    void theSameSeedReplaysTheSameHistoryOfImages() {
        List<String> first = scenario(20261208);
        List<String> again = scenario(20261208);
        assertEquals(first, again);
        assertTrue(first.size() >= 8, "registrations, unfencings, a fencing, an unfencing, a shutdown: " + first);
    }

    /** A planted fault: a controller that fences after half the lease must be caught by LeaseRespected. */
    @Test
    void aControllerThatFencesBeforeTheLeaseRunsOutIsCaught() {
        Cluster cluster = new Cluster(7, SESSION_TIMEOUT_MS / 2);
        for (int id = 1; id <= 3; id++) {
            cluster.brokers.get(id).begin();
        }
        cluster.runMs(1000);
        cluster.cut.add(2);
        AssertionError caught = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
            () -> cluster.runMs(SESSION_TIMEOUT_MS));
        assertTrue(caught.getMessage().startsWith("LeaseRespected: node 2"), caught.getMessage());
    }

    @Test
    void everySeedKeepsTheInvariantsAndTheSchedulesDiffer() {
        Set<List<String>> histories = new HashSet<>();
        for (long seed = 1; seed <= 20; seed++) {
            histories.add(scenario(seed));
        }
        assertNotEquals(1, histories.size(), "the seed decides the order of turns");
    }
}
