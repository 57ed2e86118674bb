package io.varve.client.metadata;

import io.varve.client.NetworkClient;
import io.varve.client.Node;
import io.varve.common.Clock;
import io.varve.config.ClientConfig;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.MetadataResponse;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client's metadata cache: which brokers exist and which one leads each partition of the
 * topics the client uses. It asks any reachable broker (known brokers first, then the bootstrap
 * servers), refreshes the tracked topics when asked or when the snapshot is older than
 * {@code metadata.max.age.ms}, and is invalidated by callers that hit {@code NOT_LEADER_OR_FOLLOWER}
 * and similar errors.
 *
 * <p>Thread-safe: the snapshot is one atomic reference; refreshes may overlap harmlessly (the
 * newest response wins).
 */
public final class MetadataManager {

    private final NetworkClient client;
    private final ClientConfig config;
    private final Clock clock;
    private final boolean allowAutoTopicCreation;
    private final List<Node> bootstrap;
    private final Set<String> tracked = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Cluster> cluster = new AtomicReference<>(Cluster.empty());
    private volatile boolean invalidated = true;
    private int nextNode;

    /**
     * @param allowAutoTopicCreation ask brokers to create unknown topics (a producer does; an admin client does not)
     */
    public MetadataManager(NetworkClient client, ClientConfig config, Clock clock, boolean allowAutoTopicCreation) {
        this.client = client;
        this.config = config;
        this.clock = clock;
        this.allowAutoTopicCreation = allowAutoTopicCreation;
        List<Node> nodes = new ArrayList<>();
        int id = -1;
        for (InetSocketAddress address : config.bootstrapAddresses()) {
            nodes.add(new Node(id--, address.getHostString(), address.getPort()));
        }
        this.bootstrap = List.copyOf(nodes);
    }

    /** The latest snapshot. */
    public Cluster cluster() {
        return cluster.get();
    }

    /** Adds topics to those every refresh describes. */
    public void track(Collection<String> topics) {
        if (tracked.addAll(topics)) {
            invalidated = true;
        }
    }

    /** Marks the snapshot stale: the next {@link #refreshIfStale()} asks a broker. */
    public void invalidate() {
        invalidated = true;
    }

    /** Whether the snapshot was invalidated or is older than {@code metadata.max.age.ms}. */
    public boolean isStale() {
        Cluster c = cluster.get();
        return invalidated || c.updatedMs() < 0 || clock.wallClockMs() - c.updatedMs() >= config.metadataMaxAgeMs();
    }

    /** Refreshes the tracked topics when the snapshot is stale; otherwise completes with it at once. */
    public CompletableFuture<Cluster> refreshIfStale() {
        return isStale() ? refresh() : CompletableFuture.completedFuture(cluster.get());
    }

    /** Describes the tracked topics (none: brokers only) from any reachable broker. */
    public CompletableFuture<Cluster> refresh() {
        return fetch(new ArrayList<>(tracked), 0);
    }

    /**
     * Describes every topic in the cluster (the admin client's list); does not track them.
     */
    public CompletableFuture<Cluster> describeAll() {
        return fetch(null, 0);
    }

    /**
     * Tracks {@code topic} and refreshes, with {@code retry.backoff.ms} between tries, until every
     * partition of it has a known leader or {@code timeoutMs} passes.
     *
     * @return completes with the snapshot, or fails with {@link TimeoutException} or {@link UnknownTopicException}
     */
    public CompletableFuture<Cluster> awaitLeaders(String topic, long timeoutMs) {
        track(List.of(topic));
        long deadline = clock.wallClockMs() + timeoutMs;
        return awaitLeaders(topic, deadline, 0);
    }

    private CompletableFuture<Cluster> awaitLeaders(String topic, long deadlineMs, int attempt) {
        Cluster now = cluster.get();
        if (hasAllLeaders(now, topic)) {
            return CompletableFuture.completedFuture(now);
        }
        return refresh().handle((c, error) -> c).thenCompose(c -> {
            if (c != null && hasAllLeaders(c, topic)) {
                return CompletableFuture.completedFuture(c);
            }
            Cluster.TopicMetadata t = c == null ? null : c.topic(topic);
            if (t != null && !t.error().retriable && t.error() != Errors.NONE) {
                return CompletableFuture.failedFuture(new UnknownTopicException(topic, t.error()));
            }
            long backoff = Math.min(config.retryBackoffMaxMs(), config.retryBackoffMs() << Math.min(attempt, 10));
            if (clock.wallClockMs() + backoff >= deadlineMs) {
                return CompletableFuture.failedFuture(new TimeoutException(
                    "no leader for every partition of " + topic + " within the timeout"
                        + (t == null ? "" : " (last error " + t.error() + ")")));
            }
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS))
                .thenCompose(ignored -> awaitLeaders(topic, deadlineMs, attempt + 1));
        });
    }

    private static boolean hasAllLeaders(Cluster c, String topic) {
        Cluster.TopicMetadata t = c.topic(topic);
        return t != null && t.error() == Errors.NONE && !t.partitions().isEmpty()
            && t.partitions().stream().allMatch(p -> p.leaderId() >= 0 && c.node(p.leaderId()) != null);
    }

    /** Tries the known brokers then the bootstrap servers, one after the other, until one answers. */
    private CompletableFuture<Cluster> fetch(List<String> topics, int attempt) {
        List<Node> candidates = candidates();
        if (attempt >= candidates.size()) {
            return CompletableFuture.failedFuture(new MetadataUnavailableException(candidates.size()));
        }
        Node node = candidates.get(Math.floorMod(pickStart() + attempt, candidates.size()));
        return client.send(node, ApiKey.METADATA, MetadataRequests.forTopics(topics, allowAutoTopicCreation))
            .thenApply(r -> apply((MetadataResponse) r, topics == null))
            .exceptionallyCompose(e -> fetch(topics, attempt + 1));
    }

    private List<Node> candidates() {
        List<Node> nodes = new ArrayList<>(cluster.get().allNodes());
        nodes.addAll(bootstrap);
        return nodes;
    }

    private synchronized int pickStart() {
        return nextNode++;
    }

    private Cluster apply(MetadataResponse response, boolean all) {
        Map<Integer, Node> nodes = new HashMap<>();
        response.brokers().forEach(b -> nodes.put(b.nodeId(), new Node(b.nodeId(), b.host(), b.port())));
        Map<String, Cluster.TopicMetadata> topics = new HashMap<>(all ? Map.of() : cluster.get().topics());
        for (MetadataResponse.MetadataResponseTopic t : response.topics()) {
            if (t.name() == null) {
                continue;
            }
            List<Cluster.PartitionInfo> partitions = t.partitions().stream()
                .map(p -> new Cluster.PartitionInfo(p.partitionIndex(), p.leaderId(), p.leaderEpoch(), Errors.forCode(p.errorCode())))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
            topics.put(t.name(), new Cluster.TopicMetadata(t.name(), t.topicId(), Errors.forCode(t.errorCode()), partitions));
        }
        Cluster next = new Cluster(response.clusterId(), nodes, topics, clock.wallClockMs());
        cluster.set(next);
        invalidated = false;
        return next;
    }

    /** No broker answered a metadata request. Retriable. */
    public static final class MetadataUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MetadataUnavailableException(int tried) {
            super("no broker answered a metadata request (" + tried + " tried)");
        }
    }

    /** The topic does not exist (or its name is invalid) and the broker will not create it. */
    public static final class UnknownTopicException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public final Errors error;

        UnknownTopicException(String topic, Errors error) {
            super(topic + ": " + error);
            this.error = error;
        }
    }
}
