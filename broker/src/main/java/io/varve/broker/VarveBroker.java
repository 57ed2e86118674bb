package io.varve.broker;

import io.varve.broker.controller.ControllerIsrChangeSink;
import io.varve.broker.controller.ControllerService;
import io.varve.broker.controller.LocalRaftStatus;
import io.varve.broker.quorum.QuorumRaftStatus;
import io.varve.broker.group.GroupCoordinatorConfig;
import io.varve.broker.group.GroupCoordinatorService;
import io.varve.broker.handler.BrokerRequestHandler;
import io.varve.broker.metrics.BrokerMetrics;
import io.varve.broker.metrics.ConsumerLagMetrics;
import io.varve.broker.metrics.MetricsHttpServer;
import io.varve.broker.network.FrameHandler;
import io.varve.broker.network.NetworkMetrics;
import io.varve.broker.network.NetworkServer;
import io.varve.broker.purgatory.DelayedOperationPurgatory;
import io.varve.broker.purgatory.WheelDelayScheduler;
import io.varve.broker.quorum.ActiveController;
import io.varve.broker.quorum.BrokerLifecycle;
import io.varve.broker.quorum.ControllerForwarder;
import io.varve.broker.quorum.FollowerRaftStatus;
import io.varve.broker.quorum.MetadataFollower;
import io.varve.broker.quorum.NetworkIsrChangeSink;
import io.varve.broker.quorum.RaftQuorumNode;
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
import io.varve.config.BrokerConfig;
import io.varve.config.ClientConfig;
import io.varve.config.ConfigException;
import io.varve.config.ControllerQuorumConfig;
import io.varve.config.Listener;
import io.varve.config.MetricsConfig;
import io.varve.config.StorageConfig;
import io.varve.raft.controller.TopicConfigs;
import io.varve.raft.controller.Controller;
import io.varve.raft.controller.ControllerConfig;
import io.varve.raft.controller.HeartbeatResult;
import io.varve.raft.controller.RegisterBrokerResult;
import io.varve.raft.metadata.BrokerRegistration;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.TopicImage;
import io.varve.raft.rpc.RegisterBrokerCodec;
import io.varve.storage.LogManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Varve node with the broker and controller roles: the metadata log and controller, the
 * partition logs, the replica manager, the request handlers and the network edge, started in
 * dependency order and closed in reverse. A single node is a cluster of one (DESIGN §1): with no
 * {@code controller.quorum.voters} its controller commits to the in-process one-voter
 * {@code LocalQuorum}. With voters, it is one voter of a Raft quorum ({@code RaftQuorumNode}, over the
 * controller listener), registers and heartbeats with the active controller wherever it is
 * ({@code BrokerLifecycle}), and asks for a controlled shutdown when closed.
 *
 * <p>Thread-safe: {@link #close()} may be called from a shutdown hook.
 */
public final class VarveBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VarveBroker.class);

    /** Waiting fetches (long polls) beyond which new ones are answered at once. */
    private static final int MAX_WAITING_FETCHES = 100_000;
    /** Waiting acks=all produces beyond which new ones time out at once. */
    private static final int MAX_WAITING_PRODUCES = 100_000;

    private final BrokerConfig config;
    private final Path metadataDir;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final NetworkMetrics networkMetrics = new NetworkMetrics();
    private final BrokerMetrics metrics = BrokerMetrics.prometheus(Clock.system());
    private NetworkServer network;
    private MetricsHttpServer metricsServer;
    /** Listeners bound, metadata loaded, node registered: what {@code /health/ready} reports. */
    private volatile boolean ready;
    /**
     * Guards {@link #replicaClient}: its own lock, not this object's, because the controller thread
     * opens the client while it holds the fetcher manager's lock, and {@link #close} holds this
     * object's lock while it closes the fetcher manager (a lock-order deadlock at shutdown otherwise).
     */
    private final Object replicaClientLock = new Object();
    private NetworkClient replicaClient;
    /** Set once started; read by the controller thread when it publishes an image. */
    private volatile GroupCoordinatorService groupCoordinator;
    private boolean closed;

    private VarveBroker(BrokerConfig config, Path metadataDir) {
        this.config = config;
        this.metadataDir = metadataDir;
    }

    /** Starts a node from Kafka-style properties; unknown names are ignored. */
    public static VarveBroker start(Map<String, String> props) throws IOException {
        BrokerConfig config = BrokerConfig.from(props);
        StorageConfig storage = StorageConfig.from(props);
        Path metadataDir = MetadataDirs.metadataDir(config, storage);
        VarveBroker broker = new VarveBroker(config, metadataDir);
        try {
            broker.startServices(props, storage);
            return broker;
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        } catch (InterruptedException e) {
            broker.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", e);
        }
    }

    private void startServices(Map<String, String> props, StorageConfig storage) throws IOException, InterruptedException {
        Clock clock = Clock.system();
        int nodeId = config.nodeId();
        startMetrics(MetricsConfig.from(props));
        ControllerQuorumConfig quorumConfig = ControllerQuorumConfig.from(props);
        closeables.push(MetadataDirs.lock(metadataDir));
        String clusterId = MetadataDirs.clusterId(metadataDir, nodeId, clusterIdRandom(quorumConfig));
        ControllerConfig controllerConfig = ControllerConfig.from(props);
        ProcessRoles.check(config, quorumConfig);
        RaftQuorumNode raft = null;
        MetadataFollower follower = null;
        Controller controller;
        SecureRandom seeds = new SecureRandom();
        if (quorumConfig.isLocal()) {
            controller = Controller.open(metadataDir, clusterId, controllerConfig, clock, new SecureRandom());
        } else if (config.hasRole(BrokerConfig.Role.CONTROLLER)) {
            raft = RaftQuorumNode.open(nodeId, quorumConfig, metadataDir, controllerConfig.metadataLogConfig(), clusterId, clock,
                new Random(seeds.nextLong()));
            closeables.push(raft);
            controller = new Controller(raft.quorum(), clusterId, controllerConfig, new Random(seeds.nextLong()));
        } else {
            // A broker that is not a voter follows the committed metadata log from the voters (State Watch).
            follower = new MetadataFollower(nodeId, clusterId, quorumConfig);
            closeables.push(follower);
            controller = new Controller(follower, clusterId, controllerConfig, new Random(seeds.nextLong()));
        }
        closeables.push(controller);
        if (!config.hasRole(BrokerConfig.Role.BROKER)) {
            startControllerOnly(controller, raft, quorumConfig, controllerConfig, clock);
            return;
        }
        MetadataImage image = controller.image();

        ExecutorService recovery = Executors.newFixedThreadPool(Math.max(1, storage.recoveryThreadsPerDataDir()), r -> {
            Thread t = new Thread(r, "varve-log-recovery");
            t.setDaemon(true);
            return t;
        });
        closeables.push(() -> {
            recovery.shutdown();
            recovery.awaitTermination(60, TimeUnit.SECONDS);
        });
        LogManager logs = LogManager.open(storage, clock, recovery, topic -> {
            TopicImage t = image.topic(topic);
            return TopicConfigs.logConfig(props, t == null ? Map.of() : t.configs());
        }, new SecureRandom());
        closeables.push(logs);

        AtomicReference<ControllerService> controllerRef = new AtomicReference<>();
        ReplicaManager replicas = new ReplicaManager(nodeId, logs, props, image, clock, isrChangeSink(raft, quorumConfig,
            nodeId, clock, controllerRef));
        startReplication(replicas, nodeId, clock);
        replicas.onImage(image);
        logs.flushListener(metrics.bindPartitions(replicas::partitions));
        Consumer<MetadataImage> publisher = next -> {
            try {
                replicas.onImage(next);
            } catch (IOException e) {
                throw new UncheckedIOException("applying metadata to the local logs failed", e);
            }
            metrics.topics().retainTopics(next.topicsByName().keySet());
            GroupCoordinatorService groups = groupCoordinator;
            if (groups != null) {
                groups.onImage(next);
            }
        };
        ControllerService controllerService = controllerService(controller, raft, follower, publisher);
        controllerRef.set(controllerService);
        metrics.bindReplication(nodeId, controllerService::image);
        FrameHandler controllerRpcs = null;
        if (raft != null) {
            controllerRpcs = startQuorum(controllerService, raft, quorumConfig, controllerConfig, clock);
        } else if (follower != null) {
            MetadataFollower f = follower;
            ControllerForwarder forwarder = new ControllerForwarder(nodeId, () -> false, quorumConfig, clock);
            closeables.push(forwarder);
            controllerService.forwardTo(forwarder);
            f.start(controllerService::requestCatchUp);
            if (!f.awaitCaughtUp(quorumConfig.requestTimeoutMs())) {
                LOG.warn("Node {} has not caught up with the metadata log within {} ms; serving what it has",
                    nodeId, quorumConfig.requestTimeoutMs());
            }
        }
        // after the controller service in the close order: closed before it, so no image arrives late
        GroupCoordinatorService groups = new GroupCoordinatorService(nodeId, GroupCoordinatorConfig.from(props),
            replicas, controllerService, clock);
        closeables.push(groups);
        groupCoordinator = groups;
        groups.onImage(controllerService.image());
        metrics.consumerLag().bind(() -> consumerLag(groups));
        closeables.push(new LogMaintenance(logs, storage, clock));

        WheelDelayScheduler timer = new WheelDelayScheduler("varve-purgatory-timer", 10, MAX_WAITING_FETCHES);
        closeables.push(timer);
        DelayedOperationPurgatory<TopicPartition> fetchPurgatory =
            new DelayedOperationPurgatory<>("fetch", timer, MAX_WAITING_FETCHES);
        replicas.onAppend(fetchPurgatory::checkAndComplete);
        metrics.bindPurgatory(fetchPurgatory);

        replicas.onHighWatermark(fetchPurgatory::checkAndComplete);
        DelayedOperationPurgatory<TopicPartition> producePurgatory =
            new DelayedOperationPurgatory<>("produce", timer, MAX_WAITING_PRODUCES);
        replicas.onHighWatermark(producePurgatory::checkAndComplete);
        metrics.bindPurgatory(producePurgatory);

        BrokerRequestHandler handler = new BrokerRequestHandler(nodeId, controllerService, replicas, fetchPurgatory,
            producePurgatory, props, config.autoCreateTopicsEnable(), config.fetchMaxBytes(), metrics.topics(), groups);
        network = new NetworkServer(config, handler, controllerRpcs, networkMetrics, clock);
        network.start();
        closeables.push(network);
        if (quorumConfig.isLocal()) {
            register(controllerService, replicas, nodeId, clock);
        } else {
            registerRemotely(quorumConfig, replicas, nodeId, clock);
        }
        ready = true;
        LOG.info("Varve node {} started: {}", nodeId, describe());
    }

    /**
     * Where partition leaders send ISR changes: in-process to this node's controller when it is the
     * only voter (always the active one), else over the controller listener to whichever voter is
     * active (AlterPartition over the network), which is also the way for a broker-only node.
     */
    private IsrChangeSink isrChangeSink(RaftQuorumNode raft, ControllerQuorumConfig quorumConfig, int nodeId, Clock clock,
                                        AtomicReference<ControllerService> controllerRef) {
        if (quorumConfig.isLocal() || (raft != null && quorumConfig.voters().size() == 1)) {
            return new ControllerIsrChangeSink(controllerRef::get);
        }
        NetworkIsrChangeSink sink = new NetworkIsrChangeSink(nodeId, quorumConfig, clock);
        closeables.push(sink);
        return sink;
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

    /** Binds the JVM and network meters and, unless disabled, starts the endpoint: first, so that
     * {@code /health/live} answers (and {@code /health/ready} says 503) while logs recover. */
    private void startMetrics(MetricsConfig metricsConfig) throws IOException {
        closeables.push(metrics);
        metrics.bindJvm();
        metrics.bindNetwork(networkMetrics);
        if (metricsConfig.enabled()) {
            metricsServer = MetricsHttpServer.start(metricsConfig.host(), metricsConfig.port(),
                metrics.prometheusRegistry().getPrometheusRegistry(), metrics::refresh, () -> ready);
            closeables.push(metricsServer);
        }
    }

    /**
     * Followers fetch from their leaders over one shared client (opened on first use, with the first
     * leader as its bootstrap address), one fetcher thread per source broker; leaders check their ISR
     * for lagging followers every half {@code replica.lag.time.max.ms}, as Kafka does.
     */
    private void startReplication(ReplicaManager replicas, int nodeId, Clock clock) {
        ReplicaConfig replication = replicas.config();
        closeables.push(this::closeReplicaClient);
        ReplicaFetcherManager fetchers = new ReplicaFetcherManager(nodeId, replicas::brokerEpoch, replication,
            leader -> new NetworkLeaderEndpoint(replicaClient(leader, nodeId, clock),
                new Node(leader.nodeId(), leader.host(), leader.port())));
        closeables.push(fetchers);
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
        closeables.push(isrCheck::shutdownNow);
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
     * Registers this incarnation of the node with the controller (a new broker epoch each start), tells
     * the replica manager its epoch, and unfences it: the image of that unfencing is the first the
     * partitions follow.
     */
    private void register(ControllerService controller, ReplicaManager replicas, int nodeId, Clock clock)
        throws IOException {
        Listener advertised = config.advertisedListeners().get(0);
        int port = advertised.port() == 0 ? network.boundPort(advertised.name()) : advertised.port();
        RegisterBrokerResult result = controller.<RegisterBrokerResult>submit(
            c -> c.registerBroker(nodeId, advertised.host(), port, null, clock.monotonicMs())).join();
        if (result.error() != io.varve.protocol.Errors.NONE) {
            throw new IOException("registering node " + nodeId + " failed: " + result.error() + " " + result.message());
        }
        replicas.onRegistered(result.brokerEpoch());
        // A registered broker is fenced until it heartbeats; the embedded one-voter controller never
        // ticks, so one heartbeat keeps this node unfenced until the networked quorum drives leases.
        HeartbeatResult heartbeat = controller.<HeartbeatResult>submit(
            c -> c.brokerHeartbeat(nodeId, result.brokerEpoch(), clock.monotonicMs(), false)).join();
        if (heartbeat.error() != io.varve.protocol.Errors.NONE || heartbeat.fenced()) {
            throw new IOException("unfencing node " + nodeId + " failed: " + heartbeat);
        }
        reportOfflineLogDirsLocally(controller, replicas, nodeId, result.brokerEpoch(), clock);
    }

    /**
     * The embedded controller hears no heartbeats: a log directory that goes offline (or is offline from the
     * start) is reported to it directly, as the heartbeat would, so that its partitions stop being led here.
     */
    private static void reportOfflineLogDirsLocally(ControllerService controller, ReplicaManager replicas, int nodeId,
                                                    long brokerEpoch, Clock clock) {
        Runnable report = () -> controller.<HeartbeatResult>submit(
            c -> c.brokerHeartbeat(nodeId, brokerEpoch, clock.monotonicMs(), false, true));
        replicas.onLogDirOffline(report); // on the thread that met the error: submitting does not block
        if (!replicas.reportOfflineLogDirs().isEmpty()) {
            report.run();
        }
    }

    /**
     * Every node of a cluster must format the same cluster id, and a Raft cluster has no format step:
     * its id is derived from the voters, which every node lists alike. A node alone draws a random one.
     */
    private static Random clusterIdRandom(ControllerQuorumConfig quorum) {
        if (quorum.isLocal()) {
            return new SecureRandom();
        }
        String voters = new TreeMap<>(quorum.voters()).values().toString();
        UUID seed = UUID.nameUUIDFromBytes(("varve-cluster:" + voters).getBytes(StandardCharsets.UTF_8));
        return new Random(seed.getMostSignificantBits() ^ seed.getLeastSignificantBits());
    }

    /**
     * The controller's Singular Update Queue, publishing each image through {@code publisher}; its
     * status is bound to the controller metrics on nodes that hold the controller role.
     */
    private ControllerService controllerService(Controller controller, RaftQuorumNode raft, MetadataFollower follower,
                                                Consumer<MetadataImage> publisher) {
        int nodeId = config.nodeId();
        ControllerService service;
        if (raft != null) {
            service = new ControllerService(controller, raft::leaderId, publisher);
            metrics.controller().bind(new QuorumRaftStatus(nodeId, raft, service));
        } else if (follower != null) {
            // Clients are told this broker is the controller while a quorum leader is known, as Kafka's
            // brokers name a broker, never a controller-only node: it forwards what only the controller does.
            service = new ControllerService(controller, () -> follower.leaderId() >= 0 ? nodeId : -1, publisher);
            metrics.controller().bind(new FollowerRaftStatus(follower, service));
        } else {
            service = new ControllerService(controller, nodeId, publisher);
            metrics.controller().bind(new LocalRaftStatus(nodeId, controller, service));
        }
        closeables.push(service);
        service.onCommit(metrics.controller()::onCommit);
        return service;
    }

    /**
     * A voter's controller duties: the active controller's leases and timers, the controller
     * listener's handler (Raft, broker RPCs, State Watch fetches), forwarding while not active, and the
     * Raft thread.
     */
    private FrameHandler startQuorum(ControllerService service, RaftQuorumNode raft, ControllerQuorumConfig quorumConfig,
                                     ControllerConfig controllerConfig, Clock clock) {
        ActiveController active = new ActiveController(service, raft, clock,
            Math.max(10, controllerConfig.brokerSessionTimeoutMs() / 10));
        closeables.push(active);
        FrameHandler rpcs = raft.rpcService(active);
        ControllerForwarder forwarder = new ControllerForwarder(config.nodeId(), raft, quorumConfig, clock);
        closeables.push(forwarder);
        service.forwardTo(forwarder);
        raft.start(service::requestCatchUp);
        active.start();
        return rpcs;
    }

    /**
     * {@code process.roles=controller}: a voter and, when elected, the active controller, with the
     * controller listener only (as Kafka's controller-only nodes): no partition logs, no client APIs.
     */
    private void startControllerOnly(Controller controller, RaftQuorumNode raft, ControllerQuorumConfig quorumConfig,
                                     ControllerConfig controllerConfig, Clock clock) throws InterruptedException {
        ControllerService service = controllerService(controller, raft, null,
            next -> metrics.topics().retainTopics(next.topicsByName().keySet()));
        FrameHandler rpcs = startQuorum(service, raft, quorumConfig, controllerConfig, clock);
        network = new NetworkServer(config, (context, request, done) -> {
            throw new IllegalStateException("a controller-only node has no client listener: " + request);
        }, rpcs, networkMetrics, clock);
        network.start();
        closeables.push(network);
        ready = true;
        LOG.info("Varve controller {} started: {}", config.nodeId(), describe());
    }

    /**
     * Registers this node's advertised client endpoint with the active controller, wherever it is,
     * and keeps its lease by heartbeats until close (which first asks for a controlled shutdown).
     */
    private void registerRemotely(ControllerQuorumConfig quorum, ReplicaManager replicas, int nodeId, Clock clock)
        throws IOException {
        Listener advertised = config.advertisedListeners().get(0);
        int port = advertised.port() == 0 ? network.boundPort(advertised.name()) : advertised.port();
        BrokerLifecycle lifecycle = new BrokerLifecycle(new RegisterBrokerCodec.Request(nodeId, advertised.host(), port,
            null), quorum, clock, replicas::onRegistered, replicas::reportOfflineLogDirs);
        lifecycle.start();
        closeables.push(lifecycle);
    }

    /** The port of the first (client) listener, resolved when it was configured as 0. */
    public int clientPort() {
        return network.boundPort(config.listeners().get(0).name());
    }

    /** The group coordinator: consumer lag per group and partition ({@link GroupCoordinatorService#lag()}) for metrics. */
    public GroupCoordinatorService groupCoordinator() {
        return groupCoordinator;
    }

    /** The network edge's counters: connections, refused and malformed input (DESIGN §8), bytes. */
    public NetworkMetrics networkMetrics() {
        return networkMetrics;
    }

    /** The broker's metrics: the registry, and the hooks through which components add theirs. */
    public BrokerMetrics metrics() {
        return metrics;
    }

    /** The metrics endpoint's port, or -1 when {@code metrics.enable=false}. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    /** Whether the node serves clients (what {@code /health/ready} reports). */
    public boolean isReady() {
        return ready;
    }

    /** One line for operators: node, listeners and data directory. */
    public String describe() {
        return "node " + config.nodeId() + ", listening on " + network.boundAddresses() + ", metadata in " + metadataDir
            + (metricsServer == null ? "" : ", metrics on port " + metricsServer.port());
    }

    /** Stops the listeners first, then the controller, the timers and the logs (a clean shutdown). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.error("Closing {} failed", c, e);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        LOG.info("Varve node {} stopped", config.nodeId());
    }
}
