package io.varve.broker;

import io.varve.broker.controller.ControllerService;
import io.varve.broker.handler.BrokerRequestHandler;
import io.varve.broker.network.FrameHandler;
import io.varve.broker.network.NetworkMetrics;
import io.varve.broker.network.NetworkServer;
import io.varve.broker.purgatory.DelayedOperationPurgatory;
import io.varve.broker.purgatory.WheelDelayScheduler;
import io.varve.broker.quorum.ActiveController;
import io.varve.broker.quorum.BrokerLifecycle;
import io.varve.broker.quorum.ControllerForwarder;
import io.varve.broker.quorum.RaftQuorumNode;
import io.varve.broker.replica.LogMaintenance;
import io.varve.broker.replica.ReplicaManager;
import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.BrokerConfig;
import io.varve.config.ConfigException;
import io.varve.config.ControllerQuorumConfig;
import io.varve.config.Listener;
import io.varve.config.StorageConfig;
import io.varve.raft.controller.TopicConfigs;
import io.varve.raft.controller.Controller;
import io.varve.raft.controller.ControllerConfig;
import io.varve.raft.controller.HeartbeatResult;
import io.varve.raft.controller.RegisterBrokerResult;
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
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

    private final BrokerConfig config;
    private final Path metadataDir;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final NetworkMetrics networkMetrics = new NetworkMetrics();
    private NetworkServer network;
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
        ControllerQuorumConfig quorumConfig = ControllerQuorumConfig.from(props);
        closeables.push(MetadataDirs.lock(metadataDir));
        String clusterId = MetadataDirs.clusterId(metadataDir, nodeId, clusterIdRandom(quorumConfig));
        ControllerConfig controllerConfig = ControllerConfig.from(props);
        RaftQuorumNode raft = null;
        Controller controller;
        if (quorumConfig.isLocal()) {
            controller = Controller.open(metadataDir, clusterId, controllerConfig, clock, new SecureRandom());
        } else {
            checkQuorumRoles(quorumConfig);
            SecureRandom seeds = new SecureRandom();
            raft = RaftQuorumNode.open(nodeId, quorumConfig, metadataDir, controllerConfig.metadataLogConfig(), clock,
                new Random(seeds.nextLong()));
            closeables.push(raft);
            controller = new Controller(raft.quorum(), clusterId, controllerConfig, new Random(seeds.nextLong()));
        }
        closeables.push(controller);
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

        ReplicaManager replicas = new ReplicaManager(nodeId, logs, props, image);
        replicas.onImage(image);
        Consumer<MetadataImage> publisher = next -> {
            try {
                replicas.onImage(next);
            } catch (IOException e) {
                throw new UncheckedIOException("applying metadata to the local logs failed", e);
            }
        };
        RaftQuorumNode quorumNode = raft;
        ControllerService controllerService = quorumNode == null
            ? new ControllerService(controller, nodeId, publisher)
            : new ControllerService(controller, quorumNode::leaderId, publisher);
        closeables.push(controllerService);
        FrameHandler controllerRpcs = null;
        if (quorumNode != null) {
            ActiveController active = new ActiveController(controllerService, quorumNode, clock,
                Math.max(10, controllerConfig.brokerSessionTimeoutMs() / 10));
            closeables.push(active);
            controllerRpcs = quorumNode.rpcService(active);
            ControllerForwarder forwarder = new ControllerForwarder(nodeId, quorumNode, quorumConfig, clock);
            closeables.push(forwarder);
            controllerService.forwardTo(forwarder);
            quorumNode.start(controllerService::requestCatchUp);
            active.start();
        }
        closeables.push(new LogMaintenance(logs, storage));

        WheelDelayScheduler timer = new WheelDelayScheduler("varve-purgatory-timer", 10, MAX_WAITING_FETCHES);
        closeables.push(timer);
        DelayedOperationPurgatory<TopicPartition> fetchPurgatory =
            new DelayedOperationPurgatory<>("fetch", timer, MAX_WAITING_FETCHES);
        replicas.onAppend(fetchPurgatory::checkAndComplete);

        BrokerRequestHandler handler = new BrokerRequestHandler(nodeId, controllerService, replicas, fetchPurgatory,
            props, config.autoCreateTopicsEnable(), config.fetchMaxBytes());
        network = new NetworkServer(config, handler, controllerRpcs, networkMetrics, clock);
        network.start();
        closeables.push(network);
        if (quorumNode == null) {
            register(controllerService, nodeId, clock);
        } else {
            registerRemotely(quorumConfig, nodeId, clock);
        }
        LOG.info("Varve node {} started: {}", nodeId, describe());
    }

    /** Registers this incarnation of the node with the controller (a new broker epoch each start) and unfences it. */
    private void register(ControllerService controller, int nodeId, Clock clock) throws IOException {
        Listener advertised = config.advertisedListeners().get(0);
        int port = advertised.port() == 0 ? network.boundPort(advertised.name()) : advertised.port();
        RegisterBrokerResult result = controller.<RegisterBrokerResult>submit(
            c -> c.registerBroker(nodeId, advertised.host(), port, null, clock.monotonicMs())).join();
        if (result.error() != io.varve.protocol.Errors.NONE) {
            throw new IOException("registering node " + nodeId + " failed: " + result.error() + " " + result.message());
        }
        // A registered broker is fenced until it heartbeats; the embedded one-voter controller never
        // ticks, so one heartbeat keeps this node unfenced until the networked quorum drives leases.
        HeartbeatResult heartbeat = controller.<HeartbeatResult>submit(
            c -> c.brokerHeartbeat(nodeId, result.brokerEpoch(), clock.monotonicMs(), false)).join();
        if (heartbeat.error() != io.varve.protocol.Errors.NONE || heartbeat.fenced()) {
            throw new IOException("unfencing node " + nodeId + " failed: " + heartbeat);
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

    /** This issue runs the quorum between combined nodes: each voter is also a broker. */
    private void checkQuorumRoles(ControllerQuorumConfig quorum) {
        if (!config.hasRole(BrokerConfig.Role.BROKER) || !config.hasRole(BrokerConfig.Role.CONTROLLER)) {
            throw new ConfigException(BrokerConfig.PROCESS_ROLES, config.processRoles(),
                "a node in a multi-voter quorum must have both roles (broker,controller) in this version");
        }
        if (config.controllerListenerNames().isEmpty()) {
            throw new ConfigException(BrokerConfig.CONTROLLER_LISTENER_NAMES, "",
                "a node in a multi-voter quorum needs a controller listener for " + ControllerQuorumConfig.VOTERS);
        }
    }

    /**
     * Registers this node's advertised client endpoint with the active controller, wherever it is,
     * and keeps its lease by heartbeats until close (which first asks for a controlled shutdown).
     */
    private void registerRemotely(ControllerQuorumConfig quorum, int nodeId, Clock clock) throws IOException {
        Listener advertised = config.advertisedListeners().get(0);
        int port = advertised.port() == 0 ? network.boundPort(advertised.name()) : advertised.port();
        BrokerLifecycle lifecycle = new BrokerLifecycle(
            new RegisterBrokerCodec.Request(nodeId, advertised.host(), port, null), quorum, clock);
        lifecycle.start();
        closeables.push(lifecycle);
    }

    /** The port of the first (client) listener, resolved when it was configured as 0. */
    public int clientPort() {
        return network.boundPort(config.listeners().get(0).name());
    }

    /** The network edge's counters: connections, refused and malformed input (DESIGN §8), bytes. */
    public NetworkMetrics networkMetrics() {
        return networkMetrics;
    }

    /** One line for operators: node, listeners and data directory. */
    public String describe() {
        return "node " + config.nodeId() + ", listening on " + network.boundAddresses() + ", metadata in " + metadataDir;
    }

    /** Stops the listeners first, then the controller, the timers and the logs (a clean shutdown). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
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
