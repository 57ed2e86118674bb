package io.varve.broker;

import io.varve.broker.controller.ControllerChannel;
import io.varve.broker.controller.ControllerService;
import io.varve.broker.controller.MetadataPublisher;
import io.varve.broker.group.GroupCoordinatorConfig;
import io.varve.broker.group.GroupCoordinatorService;
import io.varve.broker.handler.BrokerRequestHandler;
import io.varve.broker.metrics.BrokerMetrics;
import io.varve.broker.metrics.ConsumerLagMetrics;
import io.varve.broker.network.RequestHandler;
import io.varve.broker.purgatory.DelayedOperationPurgatory;
import io.varve.broker.purgatory.WheelDelayScheduler;
import io.varve.broker.quorum.BrokerLifecycle;
import io.varve.broker.replica.IsrChangeSink;
import io.varve.broker.replica.LogMaintenance;
import io.varve.broker.replica.NetworkLeaderEndpoint;
import io.varve.broker.replica.ReplicaConfig;
import io.varve.broker.replica.ReplicaFetcherManager;
import io.varve.broker.replica.ReplicaManager;
import io.varve.client.NetworkClient;
import io.varve.client.Node;
import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.ClientConfig;
import io.varve.protocol.Errors;
import io.varve.raft.controller.HeartbeatResult;
import io.varve.raft.controller.RegisterBrokerResult;
import io.varve.raft.controller.TopicConfigs;
import io.varve.raft.metadata.BrokerRegistration;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.TopicImage;
import io.varve.raft.rpc.RegisterBrokerCodec;
import io.varve.storage.LogManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker role of a node: the partition logs, the replica manager and its fetchers, the group
 * coordinator, the purgatories and the client request handler. It reads the metadata from the node's
 * {@link MetadataPublisher} (subscribed once everything that follows the image exists) and reaches the
 * controller through a {@link ControllerChannel}, whichever node is active; it never builds a
 * controller of its own. Registration comes last, once the node's listener is bound.
 *
 * <p>Thread-safe after start; closed in reverse order of start, the image subscription first, so that
 * no image reaches logs that are closing.
 */
final class BrokerRole implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerRole.class);

    /** Waiting fetches (long polls) beyond which new ones are answered at once. */
    private static final int MAX_WAITING_FETCHES = 100_000;
    /** Waiting acks=all produces beyond which new ones time out at once. */
    private static final int MAX_WAITING_PRODUCES = 100_000;

    private final NodeContext node;
    private final Closer closer;
    /**
     * Guards {@link #replicaClient}: its own lock, not the node's, because the thread that publishes an
     * image opens the client while it holds the fetcher manager's lock, and the node's close holds the
     * node's lock while it closes the fetcher manager (a lock-order deadlock at SIGTERM otherwise).
     */
    private final Object replicaClientLock = new Object();
    private NetworkClient replicaClient;
    private ReplicaManager replicas;
    private GroupCoordinatorService groups;
    private RequestHandler handler;

    private BrokerRole(NodeContext node, Closer closer) {
        this.node = node;
        this.closer = closer;
    }

    /** Opens (recovers) the logs and starts everything that serves clients, following {@code images}. */
    static BrokerRole start(NodeContext node, MetadataPublisher images, ControllerChannel controller,
                            IsrChangeSink isrChanges) throws IOException {
        Closer closer = new Closer();
        BrokerRole role = new BrokerRole(node, closer);
        try {
            role.startServices(images, controller, isrChanges);
            return role;
        } catch (IOException | RuntimeException e) {
            closer.close();
            throw e;
        }
    }

    private void startServices(MetadataPublisher images, ControllerChannel controller, IsrChangeSink isrChanges)
        throws IOException {
        Clock clock = node.clock();
        int nodeId = node.nodeId();
        BrokerMetrics metrics = node.metrics();
        ExecutorService recovery = Executors.newFixedThreadPool(Math.max(1, node.storage().recoveryThreadsPerDataDir()), r -> {
            Thread t = new Thread(r, "varve-log-recovery");
            t.setDaemon(true);
            return t;
        });
        closer.push(() -> {
            recovery.shutdown();
            recovery.awaitTermination(60, TimeUnit.SECONDS);
        });
        LogManager logs = closer.push(LogManager.open(node.storage(), clock, recovery, topic -> {
            TopicImage t = images.image().topic(topic);
            return TopicConfigs.logConfig(node.props(), t == null ? Map.of() : t.configs());
        }, new SecureRandom()));

        replicas = new ReplicaManager(nodeId, logs, node.props(), images.image(), clock, isrChanges);
        startReplication(clock);
        logs.flushListener(metrics.bindPartitions(replicas::partitions));
        metrics.bindReplication(nodeId, images::image);

        groups = closer.push(new GroupCoordinatorService(nodeId, GroupCoordinatorConfig.from(node.props()), replicas,
            controller, clock));
        metrics.consumerLag().bind(() -> consumerLag(groups));
        closer.push(new LogMaintenance(logs, node.storage(), clock));

        WheelDelayScheduler timer = closer.push(new WheelDelayScheduler("varve-purgatory-timer", 10, MAX_WAITING_FETCHES));
        DelayedOperationPurgatory<TopicPartition> fetchPurgatory =
            new DelayedOperationPurgatory<>("fetch", timer, MAX_WAITING_FETCHES);
        replicas.onAppend(fetchPurgatory::checkAndComplete);
        replicas.onHighWatermark(fetchPurgatory::checkAndComplete);
        metrics.bindPurgatory(fetchPurgatory);
        DelayedOperationPurgatory<TopicPartition> producePurgatory =
            new DelayedOperationPurgatory<>("produce", timer, MAX_WAITING_PRODUCES);
        replicas.onHighWatermark(producePurgatory::checkAndComplete);
        metrics.bindPurgatory(producePurgatory);

        handler = new BrokerRequestHandler(nodeId, controller, replicas, fetchPurgatory, producePurgatory, node.props(),
            node.config().autoCreateTopicsEnable(), node.config().fetchMaxBytes(), metrics.topics(), groups);

        // Last: everything that follows the image exists. Closed first, so no image reaches closing logs.
        closer.push(images.subscribe(this::onImage));
    }

    /** On the publishing thread, with each image in order: the logs to host, then the groups to load. */
    private void onImage(MetadataImage next) {
        try {
            replicas.onImage(next);
        } catch (IOException e) {
            throw new UncheckedIOException("applying metadata to the local logs failed", e);
        }
        groups.onImage(next);
    }

    /**
     * Followers fetch from their leaders over one shared client (opened on first use, with the first
     * leader as its bootstrap address), one fetcher thread per source broker; leaders check their ISR
     * for lagging followers every half {@code replica.lag.time.max.ms}, as Kafka does.
     */
    private void startReplication(Clock clock) {
        int nodeId = node.nodeId();
        ReplicaConfig replication = replicas.config();
        closer.push(this::closeReplicaClient);
        ReplicaFetcherManager fetchers = closer.push(new ReplicaFetcherManager(nodeId, replicas::brokerEpoch, replication,
            leader -> new NetworkLeaderEndpoint(replicaClient(leader, nodeId, clock),
                new Node(leader.nodeId(), leader.host(), leader.port()))));
        replicas.onFollowerChange(fetchers);
        ScheduledExecutorService isrCheck = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "varve-isr-check");
            t.setDaemon(true);
            return t;
        });
        long periodMs = Math.max(1, replication.lagTimeMaxMs() / 2);
        isrCheck.scheduleWithFixedDelay(() -> {
            try {
                replicas.maybeShrinkIsrs();
            } catch (RuntimeException e) {
                LOG.error("Checking ISRs for lagging followers failed", e);
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
        closer.push(isrCheck::shutdownNow);
    }

    private NetworkClient replicaClient(BrokerRegistration leader, int nodeId, Clock clock) {
        synchronized (replicaClientLock) {
            if (replicaClient == null) {
                replicaClient = new NetworkClient(ClientConfig.from(Map.of(
                    ClientConfig.BOOTSTRAP_SERVERS, leader.host() + ":" + leader.port(),
                    ClientConfig.CLIENT_ID, "varve-replica-" + nodeId)), clock, new SecureRandom());
            }
            return replicaClient;
        }
    }

    private void closeReplicaClient() {
        synchronized (replicaClientLock) {
            if (replicaClient != null) {
                replicaClient.close();
            }
        }
    }

    /**
     * Registers this incarnation with the node's own controller, the quorum's only voter (a new
     * broker epoch each start), tells the replica manager its epoch, and unfences it: the image of
     * that unfencing is the first the partitions follow.
     */
    void registerLocally(ControllerService controller, String host, int port) throws IOException {
        Clock clock = node.clock();
        int nodeId = node.nodeId();
        RegisterBrokerResult result = controller.<RegisterBrokerResult>propose(
            c -> c.decideRegisterBroker(nodeId, host, port, null, clock.monotonicMs())).join();
        if (result.error() != Errors.NONE) {
            throw new IOException("registering node " + nodeId + " failed: " + result.error() + " " + result.message());
        }
        replicas.onRegistered(result.brokerEpoch());
        // A registered broker is fenced until it heartbeats; the one-voter controller's lease timer
        // never runs (no ActiveController), so one heartbeat keeps this node unfenced.
        HeartbeatResult heartbeat = controller.<HeartbeatResult>propose(
            c -> c.decideBrokerHeartbeat(nodeId, result.brokerEpoch(), clock.monotonicMs(), false, false)).join();
        if (heartbeat.error() != Errors.NONE || heartbeat.fenced()) {
            throw new IOException("unfencing node " + nodeId + " failed: " + heartbeat);
        }
        reportOfflineLogDirsLocally(controller, result.brokerEpoch());
    }

    /**
     * The embedded controller hears no heartbeats: a log directory that goes offline (or is offline from the
     * start) is reported to it directly, as the heartbeat would, so that its partitions stop being led here.
     */
    private void reportOfflineLogDirsLocally(ControllerService controller, long brokerEpoch) {
        Clock clock = node.clock();
        int nodeId = node.nodeId();
        Runnable report = () -> controller.<HeartbeatResult>propose(
            c -> c.decideBrokerHeartbeat(nodeId, brokerEpoch, clock.monotonicMs(), false, true));
        replicas.onLogDirOffline(report); // on the thread that met the error: proposing does not block
        if (!replicas.reportOfflineLogDirs().isEmpty()) {
            report.run();
        }
    }

    /**
     * Registers this node's advertised client endpoint with the active controller, wherever it is,
     * and keeps its lease by heartbeats until closed (which first asks for a controlled shutdown).
     * Each heartbeat reports the log directories that are offline.
     */
    BrokerLifecycle registerRemotely(String host, int port) throws IOException {
        BrokerLifecycle lifecycle = new BrokerLifecycle(new RegisterBrokerCodec.Request(node.nodeId(), host, port, null),
            node.quorum(), node.clock(), replicas::onRegistered, replicas::reportOfflineLogDirs);
        lifecycle.start();
        return lifecycle;
    }

    /**
     * The coordinator's lag per group and partition, computed on its own thread at scrape time; a
     * scrape that would wait more than a second gets no lag rows rather than stalling.
     */
    private static List<ConsumerLagMetrics.LagEntry> consumerLag(GroupCoordinatorService groups) {
        try {
            return groups.lag().get(1, TimeUnit.SECONDS).stream()
                .map(l -> new ConsumerLagMetrics.LagEntry(l.groupId(), l.topic(), l.partition(), l.lag()))
                .toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Consumer lag not read for this scrape: {}", e.toString());
            return List.of();
        }
    }

    /** The client listener's handler. */
    RequestHandler handler() {
        return handler;
    }

    GroupCoordinatorService groups() {
        return groups;
    }

    @Override
    public void close() {
        closer.close();
    }
}
