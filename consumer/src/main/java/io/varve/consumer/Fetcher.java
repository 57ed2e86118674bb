package io.varve.consumer;

import io.varve.client.ExponentialBackoff;
import io.varve.client.NetworkClientException;
import io.varve.client.Node;
import io.varve.client.RequestBuilder;
import io.varve.client.metadata.Cluster;
import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.Records;
import io.varve.protocol.codec.UnsupportedVersionException;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches records for the assigned partitions and turns them into {@link ConsumerRecords}.
 *
 * <p><b>Requests.</b> {@link #sendFetches} sends one full FetchRequest (no fetch session) per leader
 * node, covering that node's assigned, unpaused partitions that have a position, no buffered data and
 * no retry backoff. Topics carry both their name and their id, so the request is right whichever
 * version (v12 by name, v13+ by id) the connection negotiated. At most one fetch is outstanding per
 * node: that, and keeping one {@link PartitionRecords} per partition, bound what is buffered to about
 * {@code nodes × fetch.max.bytes}.
 *
 * <p><b>Pipelining.</b> A partition is fetched again as soon as its buffered records are used up, and
 * the consumer calls {@link #sendFetches} before {@code poll} returns, so the next fetch is in flight
 * while the application processes the records just returned.
 *
 * <p><b>Responses.</b> Responses complete on the network's I/O thread, which only queues them; the
 * polling thread handles them in {@link #collect}. Data fetched for a position that has since changed
 * (seek, reset) is dropped. Per-partition errors: OFFSET_OUT_OF_RANGE resets the position by
 * {@code auto.offset.reset} (or fails the poll when it is {@code none}); retriable errors
 * (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, FENCED_LEADER_EPOCH, UNKNOWN_TOPIC_ID, ...)
 * invalidate the metadata and retry the partition after {@code retry.backoff.ms}; others fail the
 * poll. A failed request backs its node off exponentially ({@code retry.backoff.ms} to
 * {@code retry.backoff.max.ms}).
 *
 * <p><b>Positions</b> advance only as {@link #collect} returns records.
 *
 * <p>Not thread-safe: owned by the polling thread (the completion queue is the only shared state).
 */
final class Fetcher<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(Fetcher.class);
    private static final UUID NO_TOPIC_ID = new UUID(0L, 0L);

    /** What one fetch asked for one partition. */
    record SentPartition(TopicPartition tp, long fetchOffset, long epoch) {
    }

    /** A finished fetch, queued by the I/O thread: either a response or the failure. */
    record CompletedFetch(Node node, Map<TopicPartition, SentPartition> sent, Map<UUID, String> topicNames,
            FetchResponse response, Throwable failure) {
    }

    private final ConsumerConfig config;
    private final SubscriptionState subscriptions;
    private final ConsumerNetwork network;
    private final Clock clock;
    private final Random random;
    private final Deserializer<K> keys;
    private final Deserializer<V> values;
    private final ExponentialBackoff retryBackoff;
    private final BatchReader reader;
    private final Set<Integer> nodesInFlight = new HashSet<>();
    private final Map<Integer, int[]> nodeFailures = new HashMap<>();
    private final Map<Integer, Long> nodeRetryAtNs = new HashMap<>();
    private final Map<TopicPartition, Long> partitionRetryAtNs = new HashMap<>();
    private final Queue<CompletedFetch> completed = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, PartitionRecords> buffered = new LinkedHashMap<>();

    private final ConsumerMetrics metrics;

    Fetcher(ConsumerConfig config, SubscriptionState subscriptions, ConsumerNetwork network, Clock clock,
            Random random, Deserializer<K> keys, Deserializer<V> values, ConsumerMetrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.subscriptions = subscriptions;
        this.network = network;
        this.clock = clock;
        this.random = random;
        this.keys = keys;
        this.values = values;
        this.reader = new BatchReader(config.maxDecompressedBatchBytes());
        this.retryBackoff = ExponentialBackoff.of(config.clientConfig().retryBackoffMs(),
            config.clientConfig().retryBackoffMaxMs());
    }

    /**
     * Sends a fetch to every leader node that has fetchable partitions and no fetch outstanding.
     *
     * @return the number of requests sent
     */
    int sendFetches(Cluster cluster) {
        long nowNs = clock.nanoTime();
        Map<Node, Map<String, List<SentPartition>>> byNode = new LinkedHashMap<>();
        subscriptions.states().forEach((tp, state) -> {
            if (!subscriptions.isFetchable(tp) || buffered.containsKey(tp) || backingOff(partitionRetryAtNs.get(tp), nowNs)) {
                return;
            }
            Node leader = cluster.leaderFor(tp);
            if (leader == null) {
                network.invalidateMetadata();
                return;
            }
            if (nodesInFlight.contains(leader.id()) || backingOff(nodeRetryAtNs.get(leader.id()), nowNs)) {
                return;
            }
            byNode.computeIfAbsent(leader, n -> new LinkedHashMap<>()).computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                .add(new SentPartition(tp, state.position(), state.epoch()));
        });
        byNode.forEach((node, topics) -> send(cluster, node, topics));
        return byNode.size();
    }

    private static boolean backingOff(Long retryAtNs, long nowNs) {
        return retryAtNs != null && nowNs < retryAtNs;
    }

    private void send(Cluster cluster, Node node, Map<String, List<SentPartition>> topics) {
        Map<TopicPartition, SentPartition> sent = new HashMap<>();
        Map<UUID, String> topicNames = new HashMap<>();
        List<FetchRequest.FetchTopic> wire = new ArrayList<>(topics.size());
        boolean allIdsKnown = true;
        for (Map.Entry<String, List<SentPartition>> e : topics.entrySet()) {
            String topic = e.getKey();
            Cluster.TopicMetadata meta = cluster.topic(topic);
            UUID topicId = meta == null || meta.topicId() == null ? NO_TOPIC_ID : meta.topicId();
            allIdsKnown &= !NO_TOPIC_ID.equals(topicId);
            topicNames.put(topicId, topic);
            List<FetchRequest.FetchPartition> fps = new ArrayList<>(e.getValue().size());
            for (SentPartition p : e.getValue()) {
                Cluster.PartitionInfo info = cluster.partition(p.tp());
                int leaderEpoch = info == null ? -1 : info.leaderEpoch();
                fps.add(FetchRequest.FetchPartition.builder().partition(p.tp().partition()).currentLeaderEpoch(leaderEpoch)
                    .fetchOffset(p.fetchOffset()).partitionMaxBytes(config.maxPartitionFetchBytes()).build());
                sent.put(p.tp(), p);
            }
            // Both the name (read below v13) and the id (read from v13) are set: each is ignorable where the
            // version lacks it, so one request serves every version.
            wire.add(new FetchRequest.FetchTopic(topic, topicId, fps));
        }
        // No fetch session (session id 0, epoch -1: a full fetch each time) and read-uncommitted.
        FetchRequest request = FetchRequest.builder().maxWaitMs(config.fetchMaxWaitMs()).minBytes(config.fetchMinBytes())
            .maxBytes(config.fetchMaxBytes()).isolationLevel((byte) 0).sessionId(0).sessionEpoch(-1).topics(wire)
            .rackId("").build();
        boolean idsKnown = allIdsKnown;
        RequestBuilder builder = version -> {
            if (version >= 13 && !idsKnown) {
                // Metadata below v10 gave no topic ids, but this broker fetches by id only.
                throw new UnsupportedVersionException("Fetch v" + version + " names topics by id and the metadata "
                    + "gave none for " + topics.keySet());
            }
            return request;
        };
        nodesInFlight.add(node.id());
        long sentNs = clock.nanoTime();
        network.send(node, ApiKey.FETCH, builder).whenComplete((response, failure) -> {
            if (failure == null) {
                metrics.onFetchResponse(clock.nanoTime() - sentNs);
            }
            completed.add(new CompletedFetch(node, sent, topicNames, (FetchResponse) response, failure));
        });
    }

    /** Whether a fetch response waits to be handled. */
    boolean hasCompletedFetches() {
        return !completed.isEmpty();
    }

    /** Fetches in flight, for tests. */
    int inFlight() {
        return nodesInFlight.size();
    }

    /** Drops buffered data and backoffs of partitions no longer assigned. */
    void onAssignmentChange() {
        buffered.keySet().removeIf(tp -> !subscriptions.isAssigned(tp));
        partitionRetryAtNs.keySet().removeIf(tp -> !subscriptions.isAssigned(tp));
        metrics.retain(subscriptions.states().keySet());
    }

    /**
     * Handles the responses that arrived, then returns up to {@code max.poll.records} buffered records of
     * unpaused partitions, advancing their positions. If a deserializer or a corrupt batch throws, no
     * position moves and the partitions drained in this call are fetched again.
     *
     * @throws OffsetOutOfRangeException when a position was out of range and {@code auto.offset.reset=none}
     * @throws CorruptRecordException    when a fetched batch is corrupt
     */
    ConsumerRecords<K, V> collect() {
        handleCompleted();
        Map<TopicPartition, List<ConsumerRecord<K, V>>> out = new LinkedHashMap<>();
        Map<TopicPartition, Long> undo = new HashMap<>();
        int remaining = config.maxPollRecords();
        Iterator<Map.Entry<TopicPartition, PartitionRecords>> it = buffered.entrySet().iterator();
        try {
            while (it.hasNext() && remaining > 0) {
                Map.Entry<TopicPartition, PartitionRecords> e = it.next();
                TopicPartition tp = e.getKey();
                PartitionRecords pr = e.getValue();
                if (!subscriptions.isAssigned(tp) || subscriptions.state(tp).epoch() != pr.subscriptionEpoch()) {
                    it.remove();
                    continue;
                }
                if (subscriptions.state(tp).paused()) {
                    continue;
                }
                long position = subscriptions.state(tp).position();
                undo.put(tp, position);
                List<ConsumerRecord<K, V>> records = new ArrayList<>();
                long next = pr.drain(position, remaining, keys, values, records);
                subscriptions.advance(tp, next);
                if (pr.isExhausted()) {
                    it.remove();
                }
                if (!records.isEmpty()) {
                    out.put(tp, records);
                    remaining -= records.size();
                }
            }
        } catch (RuntimeException e) {
            undo.forEach((tp, position) -> {
                subscriptions.advance(tp, position);
                buffered.remove(tp);
            });
            throw e;
        }
        metrics.onConsumed(config.maxPollRecords() - remaining);
        return out.isEmpty() ? ConsumerRecords.empty() : new ConsumerRecords<>(out);
    }

    private void handleCompleted() {
        Map<TopicPartition, Long> outOfRange = new LinkedHashMap<>();
        ConsumerException fatal = null;
        CompletedFetch c;
        while ((c = completed.poll()) != null) {
            nodesInFlight.remove(c.node().id());
            try {
                handle(c, outOfRange);
            } catch (ConsumerException e) {
                fatal = fatal == null ? e : fatal;
            }
        }
        if (fatal != null) {
            throw fatal;
        }
        if (!outOfRange.isEmpty()) {
            throw new OffsetOutOfRangeException(outOfRange);
        }
    }

    private void handle(CompletedFetch c, Map<TopicPartition, Long> outOfRange) {
        if (c.failure() != null || c.response().errorCode() != Errors.NONE.code) {
            onNodeFailure(c);
            return;
        }
        nodeFailures.remove(c.node().id());
        nodeRetryAtNs.remove(c.node().id());
        for (FetchResponse.FetchableTopicResponse topic : c.response().responses()) {
            // Below v13 the answer names the topic; from v13 it carries the id only.
            String name = NO_TOPIC_ID.equals(topic.topicId()) || topic.topicId() == null
                ? topic.topic() : c.topicNames().get(topic.topicId());
            if (name == null || name.isEmpty()) {
                continue; // neither a topic we asked for by id nor a name: nothing to attribute it to
            }
            for (FetchResponse.PartitionData p : topic.partitions()) {
                TopicPartition tp = new TopicPartition(name, p.partitionIndex());
                SentPartition sent = c.sent().get(tp);
                if (sent != null) {
                    handlePartition(sent, p, outOfRange);
                }
            }
        }
    }

    private void handlePartition(SentPartition sent, FetchResponse.PartitionData p, Map<TopicPartition, Long> outOfRange) {
        TopicPartition tp = sent.tp();
        if (!subscriptions.isAssigned(tp)) {
            return;
        }
        SubscriptionState.PartitionState state = subscriptions.state(tp);
        if (state.epoch() != sent.epoch() || state.position() != sent.fetchOffset()) {
            return;
        }
        Errors error = Errors.forCode(p.errorCode());
        if (error == Errors.NONE) {
            partitionRetryAtNs.remove(tp);
            ByteBuffer bytes = bytes(p.records());
            metrics.onPartitionFetched(tp, bytes == null ? 0 : bytes.remaining(), p.highWatermark(), sent.fetchOffset());
            if (bytes != null && bytes.hasRemaining() && !buffered.containsKey(tp)) {
                buffered.put(tp, new PartitionRecords(tp, sent.epoch(), bytes, config.checkCrcs(), reader));
            }
        } else if (error == Errors.OFFSET_OUT_OF_RANGE) {
            if (subscriptions.defaultReset() == OffsetResetStrategy.NONE) {
                outOfRange.put(tp, sent.fetchOffset());
            } else {
                subscriptions.requestReset(tp, subscriptions.defaultReset());
            }
        } else if (error.retriable) {
            LOG.debug("fetch of {} at {} answered {}: refreshing metadata", tp, sent.fetchOffset(), error);
            network.invalidateMetadata();
            partitionRetryAtNs.put(tp, clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.clientConfig().retryBackoffMs()));
        } else {
            throw new ConsumerException("fetch of " + tp + " at offset " + sent.fetchOffset() + " failed: " + error);
        }
    }

    private static ByteBuffer bytes(Records records) {
        if (records == null) {
            return null;
        }
        if (records instanceof Records.BufferRecords b) {
            return b.buffer();
        }
        ByteBuffer copy = ByteBuffer.allocate(records.sizeInBytes());
        records.copyTo(copy);
        return copy.flip();
    }

    private void onNodeFailure(CompletedFetch c) {
        if (c.failure() != null) {
            Throwable cause = c.failure() instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null
                ? ce.getCause() : c.failure();
            if (cause instanceof NetworkClientException nce && nce.reason() == NetworkClientException.Reason.CLIENT_CLOSED) {
                return;
            }
            if (!(cause instanceof NetworkClientException nce) || !nce.isRetriable()) {
                throw new ConsumerException("fetch from " + c.node() + " failed", cause);
            }
        }
        int failures = nodeFailures.computeIfAbsent(c.node().id(), id -> new int[1])[0]++;
        long backoffMs = retryBackoff.backoffMs(failures, random);
        LOG.warn("fetch from {} failed ({}), retrying in {} ms", c.node(),
            c.failure() != null ? c.failure().getMessage() : Errors.forCode(c.response().errorCode()), backoffMs);
        nodeRetryAtNs.put(c.node().id(), clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs));
        network.invalidateMetadata();
    }
}
