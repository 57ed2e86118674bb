package io.varve.consumer;

import io.varve.client.ExponentialBackoff;
import io.varve.client.NetworkClientException;
import io.varve.client.Node;
import io.varve.client.metadata.Cluster;
import io.varve.common.TopicPartition;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.ListOffsetsRequest;
import io.varve.protocol.generated.ListOffsetsResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Looks up offsets by timestamp with ListOffsets, one request per partition leader: the special
 * timestamps {@link #EARLIEST_TIMESTAMP} and {@link #LATEST_TIMESTAMP}
 * for resets, {@code seekToBeginning}/{@code seekToEnd} and {@code beginningOffsets}/{@code endOffsets},
 * and real timestamps for {@code offsetsForTimes}.
 *
 * <p>Retriable errors (no leader, NOT_LEADER_OR_FOLLOWER, a failed request, ...) invalidate the
 * metadata and retry after an exponential {@code retry.backoff.ms}, until the deadline; the partitions
 * resolved by then are returned and the caller decides whether a partial answer is a timeout.
 * Non-retriable errors throw {@link ConsumerException}.
 *
 * <p>Not thread-safe: used by the polling thread.
 */
final class OffsetLookup {

    /** The ListOffsets timestamp that asks for the log start offset. */
    static final long EARLIEST_TIMESTAMP = -2L;
    /** The ListOffsets timestamp that asks for the log end offset. */
    static final long LATEST_TIMESTAMP = -1L;

    /**
     * One answer.
     *
     * @param offset    the offset found, -1 when no record has a timestamp at or after the one asked
     * @param timestamp that record's timestamp, -1 for the special timestamps
     */
    record Found(long offset, long timestamp) {
    }

    private final ConsumerNetwork network;
    private final Waiter waiter;
    private final ExponentialBackoff backoff;
    private final Random random;

    OffsetLookup(ConsumerNetwork network, Waiter waiter, ConsumerConfig config, Random random) {
        this.network = network;
        this.waiter = waiter;
        this.backoff = ExponentialBackoff.of(config.clientConfig().retryBackoffMs(), config.clientConfig().retryBackoffMaxMs());
        this.random = random;
    }

    /** Resolves as many of {@code timestamps} as it can before {@code deadlineNs}; at least one attempt is made. */
    Map<TopicPartition, Found> lookup(Map<TopicPartition, Long> timestamps, long deadlineNs) {
        Map<TopicPartition, Long> remaining = new LinkedHashMap<>(timestamps);
        Map<TopicPartition, Found> found = new LinkedHashMap<>();
        network.track(remaining.keySet().stream().map(TopicPartition::topic).distinct().toList());
        for (int attempt = 0; !remaining.isEmpty(); attempt++) {
            CompletableFuture<Cluster> metadata = network.refreshIfStale();
            if (waiter.awaitDone(metadata, deadlineNs) && !metadata.isCompletedExceptionally()) {
                attemptOnce(metadata.join(), remaining, found, deadlineNs);
            }
            if (remaining.isEmpty() || waiter.nowNs() >= deadlineNs) {
                break;
            }
            long retryAtNs = waiter.nowNs() + TimeUnit.MILLISECONDS.toNanos(backoff.backoffMs(attempt, random));
            waiter.sleepUntil(Math.min(retryAtNs, deadlineNs));
        }
        return found;
    }

    private void attemptOnce(Cluster cluster, Map<TopicPartition, Long> remaining, Map<TopicPartition, Found> found,
                             long deadlineNs) {
        Map<Node, Map<String, List<ListOffsetsRequest.ListOffsetsPartition>>> byNode = new LinkedHashMap<>();
        remaining.forEach((tp, timestamp) -> {
            Node leader = cluster.leaderFor(tp);
            if (leader == null) {
                network.invalidateMetadata();
                return;
            }
            Cluster.PartitionInfo info = cluster.partition(tp);
            byNode.computeIfAbsent(leader, n -> new LinkedHashMap<>()).computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                .add(new ListOffsetsRequest.ListOffsetsPartition(tp.partition(), info.leaderEpoch(), timestamp));
            // The leader epoch is ignorable below v4, the isolation level (read-uncommitted, the default)
            // absent below v2: the request means the same at every version from v1.
        });
        Map<Node, CompletableFuture<GeneratedMessage>> futures = new LinkedHashMap<>();
        byNode.forEach((node, topics) -> {
            List<ListOffsetsRequest.ListOffsetsTopic> wire = new ArrayList<>();
            topics.forEach((topic, partitions) -> wire.add(new ListOffsetsRequest.ListOffsetsTopic(topic, partitions)));
            ListOffsetsRequest request = ListOffsetsRequest.builder().replicaId(-1).isolationLevel((byte) 0).topics(wire).build();
            futures.put(node, network.send(node, ApiKey.LIST_OFFSETS, v -> request));
        });
        for (CompletableFuture<GeneratedMessage> f : futures.values()) {
            if (!waiter.awaitDone(f, deadlineNs)) {
                return;
            }
            ListOffsetsResponse response;
            try {
                response = (ListOffsetsResponse) f.get();
            } catch (ExecutionException | CompletionException e) {
                onRequestFailure(e.getCause());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConsumerException("interrupted", e);
            }
            apply(response, remaining, found);
        }
    }

    private void apply(ListOffsetsResponse response, Map<TopicPartition, Long> remaining, Map<TopicPartition, Found> found) {
        for (ListOffsetsResponse.ListOffsetsTopicResponse topic : response.topics()) {
            for (ListOffsetsResponse.ListOffsetsPartitionResponse p : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                if (!remaining.containsKey(tp)) {
                    continue;
                }
                Errors error = Errors.forCode(p.errorCode());
                if (error == Errors.NONE) {
                    remaining.remove(tp);
                    found.put(tp, new Found(p.offset(), p.timestamp()));
                } else if (error.retriable) {
                    network.invalidateMetadata();
                } else {
                    throw new ConsumerException("ListOffsets for " + tp + " failed: " + error);
                }
            }
        }
    }

    private void onRequestFailure(Throwable cause) {
        if (cause instanceof NetworkClientException nce && nce.isRetriable()) {
            network.invalidateMetadata();
            return;
        }
        throw new ConsumerException("ListOffsets request failed", cause);
    }
}
