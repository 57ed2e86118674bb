package io.varve.broker;

import io.varve.broker.controller.ControllerService;
import io.varve.broker.group.GroupCoordinatorConfig;
import io.varve.broker.group.GroupCoordinatorService;
import io.varve.broker.handler.BrokerRequestHandler;
import io.varve.broker.network.NetworkMetrics;
import io.varve.broker.network.NetworkServer;
import io.varve.broker.purgatory.DelayedOperationPurgatory;
import io.varve.broker.purgatory.WheelDelayScheduler;
import io.varve.broker.replica.LogMaintenance;
import io.varve.broker.replica.ReplicaManager;
import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.BrokerConfig;
import io.varve.config.Listener;
import io.varve.config.StorageConfig;
import io.varve.raft.controller.TopicConfigs;
import io.varve.raft.controller.Controller;
import io.varve.raft.controller.ControllerConfig;
import io.varve.raft.controller.RegisterBrokerResult;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.TopicImage;
import io.varve.storage.LogManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Varve node with the broker and controller roles: the metadata log and controller, the
 * partition logs, the replica manager, the request handlers and the network edge, started in
 * dependency order and closed in reverse. A single node is a cluster of one (DESIGN §1).
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
        closeables.push(MetadataDirs.lock(metadataDir));
        String clusterId = MetadataDirs.clusterId(metadataDir, nodeId, new SecureRandom());
        Controller controller = Controller.open(metadataDir, clusterId, ControllerConfig.from(props), clock, new SecureRandom());
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
        ControllerService controllerService = new ControllerService(controller, next -> {
            try {
                replicas.onImage(next);
            } catch (IOException e) {
                throw new UncheckedIOException("applying metadata to the local logs failed", e);
            }
            GroupCoordinatorService groups = groupCoordinator;
            if (groups != null) {
                groups.onImage(next);
            }
        });
        closeables.push(controllerService);
        // after the controller service in the close order: closed before it, so no image arrives late
        GroupCoordinatorService groups = new GroupCoordinatorService(nodeId, GroupCoordinatorConfig.from(props),
            replicas, controllerService, clock);
        closeables.push(groups);
        groupCoordinator = groups;
        groups.onImage(controllerService.image());
        closeables.push(new LogMaintenance(logs, storage));

        WheelDelayScheduler timer = new WheelDelayScheduler("varve-purgatory-timer", 10, MAX_WAITING_FETCHES);
        closeables.push(timer);
        DelayedOperationPurgatory<TopicPartition> fetchPurgatory =
            new DelayedOperationPurgatory<>("fetch", timer, MAX_WAITING_FETCHES);
        replicas.onAppend(fetchPurgatory::checkAndComplete);

        BrokerRequestHandler handler = new BrokerRequestHandler(nodeId, controllerService, replicas, fetchPurgatory,
            props, config.autoCreateTopicsEnable(), config.fetchMaxBytes(), groups);
        network = new NetworkServer(config, handler, networkMetrics, clock);
        network.start();
        closeables.push(network);
        register(controllerService, nodeId);
        LOG.info("Varve node {} started: {}", nodeId, describe());
    }

    /** Registers this node's advertised client endpoint with the controller (a no-op when unchanged). */
    private void register(ControllerService controller, int nodeId) throws IOException {
        Listener advertised = config.advertisedListeners().get(0);
        int port = advertised.port() == 0 ? network.boundPort(advertised.name()) : advertised.port();
        RegisterBrokerResult result = controller.<RegisterBrokerResult>submit(
            c -> c.registerBroker(nodeId, advertised.host(), port, null)).join();
        if (result.error() != io.varve.protocol.Errors.NONE) {
            throw new IOException("registering node " + nodeId + " failed: " + result.error() + " " + result.message());
        }
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
