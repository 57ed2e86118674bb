package io.varve.client.admin;

import io.varve.client.ExponentialBackoff;
import io.varve.client.NetworkClient;
import io.varve.client.Node;
import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.ClientConfig;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.CreatePartitionsRequest;
import io.varve.protocol.generated.CreatePartitionsResponse;
import io.varve.protocol.generated.CreateTopicsRequest;
import io.varve.protocol.generated.CreateTopicsResponse;
import io.varve.protocol.generated.DeleteTopicsRequest;
import io.varve.protocol.generated.DeleteTopicsResponse;
import io.varve.protocol.generated.DescribeClusterRequest;
import io.varve.protocol.generated.DescribeClusterResponse;
import io.varve.protocol.generated.DescribeConfigsRequest;
import io.varve.protocol.generated.DescribeConfigsResponse;
import io.varve.protocol.generated.MetadataResponse;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Varve's admin client: topics, partitions, configs, the cluster and offsets, over the Kafka
 * protocol, so it manages Varve and Apache Kafka alike.
 *
 * <p><b>Routing.</b> CreateTopics, DeleteTopics and CreatePartitions go to the controller, the broker
 * that Metadata names as {@code controller_id} (in a KRaft cluster, a broker that forwards to the
 * quorum); the other requests go to any broker, and ListOffsets to each partition's leader.
 *
 * <p><b>Outcomes.</b> Every operation answers with futures. The broker's refusals (topic exists,
 * invalid name or config, unknown topic, fewer partitions, ...) fail them with an
 * {@link AdminException} carrying Kafka's {@link Errors} value and the broker's message. Retriable
 * failures (a broker unreachable, the controller moved, a leader not yet elected) are retried with
 * {@code retry.backoff.ms} backoff until {@code default.api.timeout.ms} (60 s by default) from the
 * call, then fail with {@link Errors#REQUEST_TIMED_OUT}. Operations on several topics report per
 * topic ({@link TopicResults}).
 *
 * <p><b>Threads.</b> Thread-safe. Futures complete on the network I/O thread or the admin's retry
 * thread: keep callbacks short, or use the {@code ...Async} variants. Close it to release both.
 */
public final class VarveAdmin implements AutoCloseable {

    private static final byte RESOURCE_TOPIC = 2;
    private static final byte SOURCE_DYNAMIC_TOPIC = 1;

    private final NetworkClient client;
    private final ScheduledExecutorService scheduler;
    private final AdminMetadata metadata;
    private final Retrier retrier;
    private final Deadlines deadlines;
    private final ControllerCalls controllerCalls;
    private final OffsetLister offsetLister;
    private final GroupCalls groupCalls;

    /**
     * An admin client with the system clock, from properties with Kafka's names: the shared client
     * keys of {@link ClientConfig} ({@code bootstrap.servers} is required) and
     * {@value AdminConfig#DEFAULT_API_TIMEOUT_MS}.
     *
     * @throws io.varve.config.ConfigException for a missing, malformed or out-of-range property
     */
    public VarveAdmin(Map<String, ?> props) {
        this(AdminConfig.from(props), Clock.system(), new Random());
    }

    /**
     * An admin client with injected time and randomness (tests, simulations).
     *
     * @param random seeds the network client's and the retries' jitter
     */
    public VarveAdmin(AdminConfig config, Clock clock, Random random) {
        ClientConfig shared = config.client();
        this.client = new NetworkClient(shared, clock, new Random(random.nextLong()));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "varve-admin-retry" + (shared.clientId().isEmpty() ? "" : "-" + shared.clientId()));
            t.setDaemon(true);
            return t;
        });
        this.metadata = new AdminMetadata(client, shared.bootstrapAddresses());
        this.retrier = new Retrier(clock, scheduler,
            ExponentialBackoff.of(shared.retryBackoffMs(), shared.retryBackoffMaxMs()), new Random(random.nextLong()));
        this.deadlines = new Deadlines(clock, config.defaultApiTimeoutMs(), shared.requestTimeoutMs());
        this.controllerCalls = new ControllerCalls(client, metadata, retrier, deadlines);
        this.offsetLister = new OffsetLister(client, metadata, retrier, deadlines);
        this.groupCalls = new GroupCalls(client, metadata, retrier, deadlines);
    }

    /**
     * Creates topics. Each topic's future completes with what the broker created or fails with its
     * error: {@code TOPIC_ALREADY_EXISTS}, {@code INVALID_TOPIC_EXCEPTION}, {@code INVALID_PARTITIONS},
     * {@code INVALID_REPLICATION_FACTOR}, {@code INVALID_CONFIG}, ...
     *
     * @throws IllegalArgumentException when a topic is named twice
     */
    public TopicResults<CreatedTopic> createTopics(Collection<NewTopic> topics) {
        Map<String, NewTopic> byName = new LinkedHashMap<>();
        for (NewTopic t : topics) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException("topic named twice: " + t.name());
            }
        }
        return controllerCalls.run("create topics", List.copyOf(byName.keySet()), ApiKey.CREATE_TOPICS,
            (names, timeoutMs) -> {
                CreateTopicsRequest request = new CreateTopicsRequest(
                    names.stream().map(n -> creatable(byName.get(n))).toList(), timeoutMs, false);
                return version -> request;
            },
            response -> ((CreateTopicsResponse) response).topics().stream()
                .map(t -> new ControllerCalls.TopicOutcome<>(t.name(), t.errorCode(), t.errorMessage(),
                    new CreatedTopic(t.name(), t.topicId(), t.numPartitions(), t.replicationFactor())))
                .toList());
    }

    private static CreateTopicsRequest.CreatableTopic creatable(NewTopic t) {
        List<CreateTopicsRequest.CreatableTopicConfig> configs = new TreeMap<>(t.configs()).entrySet().stream()
            .map(e -> new CreateTopicsRequest.CreatableTopicConfig(e.getKey(), e.getValue())).toList();
        return new CreateTopicsRequest.CreatableTopic(t.name(), t.partitions(), (short) t.replicationFactor(), List.of(), configs);
    }

    /** Deletes topics by name; a missing topic fails its future with {@code UNKNOWN_TOPIC_OR_PARTITION}. */
    public TopicResults<Void> deleteTopics(Collection<String> topics) {
        return controllerCalls.run("delete topics", List.copyOf(topics), ApiKey.DELETE_TOPICS,
            (names, timeoutMs) -> version -> version >= 6
                // v6 names topics in DeleteTopicState (by name or by id); below, a list of names.
                ? DeleteTopicsRequest.builder().timeoutMs(timeoutMs)
                    .topics(names.stream().map(n -> DeleteTopicsRequest.DeleteTopicState.builder().name(n).build()).toList())
                    .build()
                : DeleteTopicsRequest.builder().timeoutMs(timeoutMs).topicNames(List.copyOf(names)).build(),
            response -> ((DeleteTopicsResponse) response).responses().stream()
                .map(t -> new ControllerCalls.TopicOutcome<Void>(t.name(), t.errorCode(), t.errorMessage(), null))
                .toList());
    }

    /**
     * Grows topics to new total partition counts, placing the new partitions automatically. A count
     * not above the current one fails that topic with {@code INVALID_PARTITIONS}.
     */
    public TopicResults<Void> createPartitions(Map<String, Integer> newTotals) {
        Map<String, Integer> totals = new LinkedHashMap<>(newTotals);
        return controllerCalls.run("create partitions", List.copyOf(totals.keySet()), ApiKey.CREATE_PARTITIONS,
            (names, timeoutMs) -> {
                CreatePartitionsRequest request = new CreatePartitionsRequest(
                    names.stream().map(n -> new CreatePartitionsRequest.CreatePartitionsTopic(n, totals.get(n), null)).toList(),
                    timeoutMs, false);
                return version -> request;
            },
            response -> ((CreatePartitionsResponse) response).results().stream()
                .map(t -> new ControllerCalls.TopicOutcome<Void>(t.name(), t.errorCode(), t.errorMessage(), null))
                .toList());
    }

    /** The names of every topic but the internal ones, sorted. */
    public CompletableFuture<Set<String>> listTopics() {
        long deadlineMs = deadlines.deadlineMs();
        return retrier.run("list topics", deadlineMs, attempt -> metadata.fetch(null, deadlines.requestTimeoutMs(deadlineMs))
            .thenApply(m -> {
                Set<String> names = new TreeSet<>();
                m.topics().stream().filter(t -> t.errorCode() == 0 && !t.isInternal() && t.name() != null)
                    .forEach(t -> names.add(t.name()));
                return Collections.unmodifiableSet(names);
            }));
    }

    /**
     * Describes topics from a broker's metadata: id, partitions, leaders, replicas, ISR. Fails with
     * the first topic's error when one does not exist ({@code UNKNOWN_TOPIC_OR_PARTITION}) or its name
     * is invalid; retries while a topic's leaders are not yet available.
     */
    public CompletableFuture<Map<String, TopicDescription>> describeTopics(Collection<String> topics) {
        List<String> names = List.copyOf(new LinkedHashSet<>(topics));
        long deadlineMs = deadlines.deadlineMs();
        return retrier.run("describe topics", deadlineMs, attempt -> metadata.fetch(names, deadlines.requestTimeoutMs(deadlineMs))
            .thenApply(m -> describe(m, names)));
    }

    private static Map<String, TopicDescription> describe(MetadataResponse m, List<String> names) {
        Map<String, MetadataResponse.MetadataResponseTopic> byName = new HashMap<>();
        m.topics().stream().filter(t -> t.name() != null).forEach(t -> byName.put(t.name(), t));
        Map<String, TopicDescription> out = new LinkedHashMap<>();
        for (String name : names) {
            MetadataResponse.MetadataResponseTopic t = byName.get(name);
            if (t == null) {
                throw new Retrier.Retry(name + " is missing from the metadata response");
            }
            Errors error = Errors.forCode(t.errorCode());
            if (error == Errors.LEADER_NOT_AVAILABLE) {
                throw new Retrier.Retry(name + " " + error);
            }
            if (error != Errors.NONE) {
                throw AdminException.of(t.errorCode(), null, name);
            }
            List<TopicDescription.PartitionDescription> partitions = t.partitions().stream()
                .sorted(Comparator.comparingInt(MetadataResponse.MetadataResponsePartition::partitionIndex))
                .map(p -> new TopicDescription.PartitionDescription(p.partitionIndex(), p.leaderId(), p.replicaNodes(), p.isrNodes()))
                .toList();
            out.put(name, new TopicDescription(name, t.topicId(), t.isInternal(), partitions));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The cluster id, the controller's id and the live brokers, from DescribeCluster. */
    public CompletableFuture<ClusterDescription> describeCluster() {
        long deadlineMs = deadlines.deadlineMs();
        DescribeClusterRequest request = DescribeClusterRequest.builder().build();
        return retrier.run("describe cluster", deadlineMs, attempt -> client.send(metadata.anyNode(), request,
                deadlines.requestTimeoutMs(deadlineMs))
            .thenApply(response -> {
                DescribeClusterResponse r = (DescribeClusterResponse) response;
                Errors error = Errors.forCode(r.errorCode());
                if (error != Errors.NONE) {
                    if (error.retriable) {
                        throw new Retrier.Retry("describe cluster: " + error);
                    }
                    throw AdminException.of(r.errorCode(), r.errorMessage(), "describe cluster");
                }
                List<Node> nodes = r.brokers().stream().map(b -> new Node(b.brokerId(), b.host(), b.port()))
                    .sorted(Comparator.comparingInt(Node::id)).toList();
                return new ClusterDescription(r.clusterId(), r.controllerId(), nodes);
            }));
    }

    /**
     * Every config of a topic with a value (sensitive ones, which have none, are left out), by name.
     * An unknown topic fails with {@code UNKNOWN_TOPIC_OR_PARTITION}.
     */
    public CompletableFuture<Map<String, String>> describeTopicConfigs(String topic) {
        return topicConfigs(topic, false);
    }

    /** As {@link #describeTopicConfigs}, only the configs set on the topic itself (not broker or built-in defaults). */
    public CompletableFuture<Map<String, String>> describeTopicConfigOverrides(String topic) {
        return topicConfigs(topic, true);
    }

    private CompletableFuture<Map<String, String>> topicConfigs(String topic, boolean overridesOnly) {
        long deadlineMs = deadlines.deadlineMs();
        DescribeConfigsRequest request = new DescribeConfigsRequest(
            List.of(new DescribeConfigsRequest.DescribeConfigsResource(RESOURCE_TOPIC, topic, null)), false, false);
        return retrier.run("describe configs", deadlineMs, attempt -> client.send(metadata.anyNode(), request,
                deadlines.requestTimeoutMs(deadlineMs))
            .thenApply(response -> {
                DescribeConfigsResponse.DescribeConfigsResult r = ((DescribeConfigsResponse) response).results().get(0);
                if (r.errorCode() != 0) {
                    throw AdminException.of(r.errorCode(), r.errorMessage(), topic);
                }
                Map<String, String> configs = new TreeMap<>();
                for (DescribeConfigsResponse.DescribeConfigsResourceResult c : r.configs()) {
                    if (c.value() != null && (!overridesOnly || c.configSource() == SOURCE_DYNAMIC_TOPIC)) {
                        configs.put(c.name(), c.value());
                    }
                }
                return Collections.unmodifiableMap(configs);
            }));
    }

    /**
     * Looks up offsets, each from its partition's leader: earliest, latest, that of the largest
     * timestamp, or the first at or after a time ({@link ListedOffset#offset()} -1 when no record is
     * that late). Fails with {@code UNKNOWN_TOPIC_OR_PARTITION} for a partition that does not exist.
     */
    public CompletableFuture<Map<TopicPartition, ListedOffset>> listOffsets(Map<TopicPartition, OffsetSpec> specs) {
        return offsetLister.list(specs);
    }

    /** Every group of every broker (ListGroups), sorted by id. */
    public CompletableFuture<List<GroupListing>> listGroups() {
        return groupCalls.list();
    }

    /**
     * A group's state, chosen assignor and members, with each member's partitions decoded from the
     * consumer protocol (DescribeGroups at the group's coordinator). A group the broker does not know
     * is reported in state Dead, as Kafka does (or fails with {@code GROUP_ID_NOT_FOUND}, by broker).
     */
    public CompletableFuture<GroupDescription> describeGroup(String groupId) {
        return groupCalls.describe(groupId);
    }

    /** The group's committed offsets (OffsetFetch of every partition it committed), by partition. */
    public CompletableFuture<Map<TopicPartition, Long>> listGroupOffsets(String groupId) {
        return groupCalls.offsets(groupId);
    }

    /**
     * Sets the group's committed offsets (OffsetCommit from outside the group, generation -1). The
     * coordinator accepts it only while the group has no members: an active group fails with
     * {@code UNKNOWN_MEMBER_ID}.
     */
    public CompletableFuture<Void> alterGroupOffsets(String groupId, Map<TopicPartition, Long> offsets) {
        return groupCalls.alterOffsets(groupId, Map.copyOf(offsets));
    }

    /** Deletes an empty group and its offsets; one with members fails with {@code NON_EMPTY_GROUP}, an unknown one with {@code GROUP_ID_NOT_FOUND}. */
    public CompletableFuture<Void> deleteGroup(String groupId) {
        return groupCalls.delete(groupId);
    }

    /** Fails what is outstanding, closes every connection and stops the admin's threads. Idempotent. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        retrier.close();
        client.close();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
