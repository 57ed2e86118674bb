package io.varve.broker;

import io.varve.broker.controller.ControllerChannel;
import io.varve.broker.controller.ControllerIsrChangeSink;
import io.varve.broker.controller.ForwardingControllerChannel;
import io.varve.broker.controller.MetadataPublisher;
import io.varve.broker.group.GroupCoordinatorService;
import io.varve.broker.metrics.BrokerMetrics;
import io.varve.broker.metrics.MetricsHttpServer;
import io.varve.broker.network.FrameHandler;
import io.varve.broker.network.NetworkMetrics;
import io.varve.broker.network.NetworkServer;
import io.varve.broker.network.RequestHandler;
import io.varve.broker.quorum.ControllerForwarder;
import io.varve.broker.quorum.FollowerRaftStatus;
import io.varve.broker.quorum.MetadataFollower;
import io.varve.broker.quorum.NetworkIsrChangeSink;
import io.varve.broker.replica.IsrChangeSink;
import io.varve.common.Clock;
import io.varve.config.BrokerConfig;
import io.varve.config.ControllerQuorumConfig;
import io.varve.config.Listener;
import io.varve.config.MetricsConfig;
import io.varve.config.StorageConfig;
import io.varve.raft.controller.ControllerConfig;
import io.varve.raft.metadata.MetadataImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Varve node, assembled per role (DESIGN §5) from a {@link ControllerRole} and a
 * {@link BrokerRole}, either or both as {@code process.roles} says, around the node's one
 * {@link MetadataPublisher}:
 *
 * <pre>
 *   controller role (a voter)  ──publishes──►  MetadataPublisher  ◄──publishes── MetadataFollower (not a voter)
 *                                                    │ subscribe
 *                                                    ▼
 *                              broker role: replica manager, group coordinator, handlers
 *                              (commands go back through a ControllerChannel: the local
 *                               ControllerService, or forwarded to the active controller)
 * </pre>
 *
 * A single node is a cluster of one (DESIGN §1): with no {@code controller.quorum.voters} its
 * controller commits to the in-process one-voter {@code LocalQuorum} and the broker registers with
 * it directly. With voters, a voter runs the Raft quorum over the controller listener, and a
 * broker registers and heartbeats with the active controller wherever it is ({@code BrokerLifecycle})
 * and asks for a controlled shutdown when closed. A broker-only node builds no controller: its
 * image comes from the metadata follower.
 *
 * <p>Thread-safe: {@link #close()} may be called from a shutdown hook.
 */
public final class VarveNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VarveNode.class);

    private final BrokerConfig config;
    private final Path metadataDir;
    private final Closer closer = new Closer();
    private final NetworkMetrics networkMetrics = new NetworkMetrics();
    private final BrokerMetrics metrics = BrokerMetrics.prometheus(Clock.system());
    private NetworkServer network;
    private MetricsHttpServer metricsServer;
    private BrokerRole broker;
    /** Listeners bound, metadata loaded, node registered: what {@code /health/ready} reports. */
    private volatile boolean ready;
    private boolean closed;

    private VarveNode(BrokerConfig config, Path metadataDir) {
        this.config = config;
        this.metadataDir = metadataDir;
    }

    /** Starts a node from Kafka-style properties; unknown names are ignored. */
    public static VarveNode start(Map<String, String> props) throws IOException {
        BrokerConfig config = BrokerConfig.from(props);
        StorageConfig storage = StorageConfig.from(props);
        Path metadataDir = MetadataDirs.metadataDir(config, storage);
        VarveNode node = new VarveNode(config, metadataDir);
        try {
            node.startRoles(props, storage);
            return node;
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        } catch (InterruptedException e) {
            node.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", e);
        }
    }

    private void startRoles(Map<String, String> props, StorageConfig storage) throws IOException, InterruptedException {
        Clock clock = Clock.system();
        int nodeId = config.nodeId();
        startMetrics(MetricsConfig.from(props));
        ControllerQuorumConfig quorum = ControllerQuorumConfig.from(props);
        ProcessRoles.check(config, quorum);
        closer.push(MetadataDirs.lock(metadataDir));
        String clusterId = MetadataDirs.clusterId(metadataDir, nodeId, clusterIdRandom(quorum));
        NodeContext node = new NodeContext(config, props, storage, quorum, ControllerConfig.from(props), clusterId,
            metadataDir, clock, metrics);

        MetadataPublisher images = new MetadataPublisher(MetadataImage.empty(clusterId));
        images.subscribe(next -> metrics.topics().retainTopics(next.topicsByName().keySet()));
        ControllerRole controller = null;
        MetadataFollower follower = null;
        ControllerChannel channel;
        if (config.hasRole(BrokerConfig.Role.CONTROLLER)) {
            controller = closer.push(ControllerRole.start(node, images));
            channel = controller.service();
        } else {
            // A broker that is not a voter follows the committed metadata log from the voters (State Watch).
            follower = closer.push(new MetadataFollower(nodeId, clusterId, quorum));
            metrics.controller().bind(new FollowerRaftStatus(follower, images));
            MetadataFollower f = follower;
            // Clients are told this broker is the controller while a quorum leader is known, as Kafka's
            // brokers name a broker, never a controller-only node: it forwards what only the controller does.
            channel = new ForwardingControllerChannel(closer.push(new ControllerForwarder(nodeId, () -> false, quorum, clock)),
                images, () -> f.leaderId() >= 0 ? nodeId : -1);
            f.start(() -> publishFollowed(images, f));
            if (!f.awaitCaughtUp(quorum.requestTimeoutMs())) {
                LOG.warn("Node {} has not caught up with the metadata log within {} ms; serving what it has",
                    nodeId, quorum.requestTimeoutMs());
            }
        }

        RequestHandler clients = null;
        if (config.hasRole(BrokerConfig.Role.BROKER)) {
            broker = closer.push(BrokerRole.start(node, images, channel, isrChangeSink(controller, node)));
            clients = broker.handler();
        }
        FrameHandler controllerRpcs = controller == null ? null : controller.rpcs();
        network = closer.push(new NetworkServer(config, clients != null ? clients : (context, request, done) -> {
            throw new IllegalStateException("a controller-only node has no client listener: " + request);
        }, controllerRpcs, networkMetrics, clock));
        network.start();
        if (broker != null) {
            register(controller, quorum);
        }
        ready = true;
        LOG.info("Varve {} {} started: {}", broker == null ? "controller" : "node", nodeId, describe());
    }

    /** A follower's new image, published on its thread; a failure to apply it waits for the next one. */
    private static void publishFollowed(MetadataPublisher images, MetadataFollower follower) {
        try {
            images.accept(follower.image());
        } catch (RuntimeException e) {
            LOG.error("Publishing the followed metadata image failed; the next one retries", e);
        }
    }

    /**
     * Where partition leaders send ISR changes: in-process to this node's controller when it is the
     * only voter (always the active one), else over the controller listener to whichever voter is
     * active (AlterPartition over the network), which is also the way for a broker-only node.
     */
    private IsrChangeSink isrChangeSink(ControllerRole controller, NodeContext node) {
        if (controller != null && controller.isOnlyVoter()) {
            return new ControllerIsrChangeSink(controller.service());
        }
        return closer.push(new NetworkIsrChangeSink(node.nodeId(), node.quorum(), node.clock()));
    }

    /** Registers the advertised client endpoint: with the local controller when it is the only one, else remotely. */
    private void register(ControllerRole controller, ControllerQuorumConfig quorum) throws IOException {
        Listener advertised = config.advertisedListeners().get(0);
        int port = advertised.port() == 0 ? network.boundPort(advertised.name()) : advertised.port();
        if (quorum.isLocal()) {
            broker.registerLocally(controller.service(), advertised.host(), port);
        } else {
            closer.push(broker.registerRemotely(advertised.host(), port));
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

    /** Binds the JVM and network meters and, unless disabled, starts the endpoint: first, so that
     * {@code /health/live} answers (and {@code /health/ready} says 503) while logs recover. */
    private void startMetrics(MetricsConfig metricsConfig) throws IOException {
        closer.push(metrics);
        metrics.bindJvm();
        metrics.bindNetwork(networkMetrics);
        if (metricsConfig.enabled()) {
            metricsServer = closer.push(MetricsHttpServer.start(metricsConfig.host(), metricsConfig.port(),
                metrics.prometheusRegistry().getPrometheusRegistry(), metrics::refresh, () -> ready));
        }
    }

    /** The port of the first (client) listener, resolved when it was configured as 0. */
    public int clientPort() {
        return network.boundPort(config.listeners().get(0).name());
    }

    /** The group coordinator (null on a controller-only node): consumer lag for metrics. */
    public GroupCoordinatorService groupCoordinator() {
        return broker == null ? null : broker.groups();
    }

    /** The network edge's counters: connections, refused and malformed input (DESIGN §8), bytes. */
    public NetworkMetrics networkMetrics() {
        return networkMetrics;
    }

    /** The node's metrics: the registry, and the hooks through which components add theirs. */
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

    /**
     * Stops in reverse order of start: the broker's lease (a controlled shutdown), the listeners,
     * the broker role (its image subscription first, then the group coordinator, the fetchers and
     * the logs), the controller role, then the metadata directory's lock and the metrics.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        closer.close();
        LOG.info("Varve node {} stopped", config.nodeId());
    }
}
