package io.varve.broker.handler;

import io.varve.broker.metrics.TopicTraffic;
import io.varve.broker.network.RequestContext;
import io.varve.broker.network.ResponseCallback;
import io.varve.broker.purgatory.DelayedOperationPurgatory;
import io.varve.broker.replica.Partition;
import io.varve.broker.replica.ReplicaManager;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.FetchRequest;
import io.varve.raft.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Fetch: resolves the partitions (by name up to v12, by topic id from v13), then answers at once
 * when {@code min.bytes} are available, an error needs reporting or the client asked not to wait;
 * otherwise the request waits in the fetch purgatory until an append to one of its partitions
 * brings enough bytes or {@code max.wait.ms} passes (Request Waiting List; no polling).
 *
 * <p>Fetch sessions are not kept: every response carries session id 0, which tells Kafka clients
 * to keep sending full fetch requests. A follower's fetch (replica id set, from a replica of the
 * partition at its registered broker epoch) first tells the leader how far that follower has got (its
 * fetch offset is its log end), which may move the high-water mark and complete waiting {@code acks=all}
 * produces, then reads up to the log end (see {@link DelayedFetch}).
 */
final class FetchHandler {

    private final ReplicaManager replicas;
    private final DelayedOperationPurgatory<TopicPartition> purgatory;
    private final int maxResponseBytes;
    private final TopicTraffic traffic;

    FetchHandler(ReplicaManager replicas, DelayedOperationPurgatory<TopicPartition> purgatory, int maxResponseBytes) {
        this(replicas, purgatory, maxResponseBytes, TopicTraffic.NONE);
    }

    FetchHandler(ReplicaManager replicas, DelayedOperationPurgatory<TopicPartition> purgatory, int maxResponseBytes,
                 TopicTraffic traffic) {
        this.replicas = replicas;
        this.purgatory = purgatory;
        this.maxResponseBytes = maxResponseBytes;
        this.traffic = traffic;
    }

    void handle(RequestContext context, FetchRequest request, ResponseCallback done) {
        boolean byId = context.apiVersion() >= 13;
        List<FetchedPartition> partitions = new ArrayList<>();
        for (FetchRequest.FetchTopic topic : request.topics()) {
            String name = topic.topic();
            UUID topicId = topic.topicId();
            Errors topicError = Errors.NONE;
            if (byId) {
                TopicImage image = replicas.image().topic(topicId);
                name = image == null ? null : image.name();
                topicError = image == null ? Errors.UNKNOWN_TOPIC_ID : Errors.NONE;
            }
            for (FetchRequest.FetchPartition p : topic.partitions()) {
                TopicPartition tp = name == null ? null : TopicPartitions.parse(name, p.partition());
                Errors error = topicError != Errors.NONE ? topicError : tp == null ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.NONE;
                partitions.add(new FetchedPartition(topic.topic(), topicId, p, tp, error));
            }
        }
        if (replicaId(request) >= 0) {
            recordFollowerProgress(request, partitions);
        }
        int maxBytes = Math.max(1, Math.min(request.maxBytes() <= 0 ? maxResponseBytes : request.maxBytes(), maxResponseBytes));
        DelayedFetch fetch = new DelayedFetch(replicas, request, partitions, maxBytes, traffic, done);
        if (request.maxWaitMs() <= 0 || request.minBytes() <= 0 || partitions.isEmpty()) {
            fetch.forceComplete();
            return;
        }
        Set<TopicPartition> keys = partitions.stream().map(FetchedPartition::topicPartition)
            .filter(tp -> tp != null).collect(Collectors.toSet());
        if (keys.isEmpty()) {
            fetch.forceComplete();
            return;
        }
        if (purgatory.tryCompleteElseWatch(fetch, keys) == DelayedOperationPurgatory.WatchResult.FULL) {
            fetch.forceComplete(); // too many waiting fetches: answer now with what there is
        }
    }

    /**
     * Follower progress, only for partitions led here at the epoch the follower names, from a broker that is
     * a replica of the partition at its registered broker epoch (else the partition is answered with the
     * error {@link DelayedFetch} reports, and a made-up replica id moves nothing), and not diverged.
     */
    private void recordFollowerProgress(FetchRequest request, List<FetchedPartition> partitions) {
        int replicaId = replicaId(request);
        for (FetchedPartition p : partitions) {
            Partition partition = p.topicPartition() == null ? null : replicas.partition(p.topicPartition());
            FetchRequest.FetchPartition fetch = p.request();
            if (partition == null || p.resolveError() != Errors.NONE || fetch.currentLeaderEpoch() != partition.leaderEpoch()
                || replicas.followerFetchError(partition, replicaId, replicaEpoch(request), fetch.currentLeaderEpoch())
                    != Errors.NONE
                || fetch.fetchOffset() > partition.logEndOffset()
                || partition.divergence(fetch.fetchOffset(), fetch.lastFetchedEpoch()) != null) {
                continue;
            }
            replicas.onFollowerFetch(partition, replicaId, fetch.fetchOffset());
        }
    }

    /** The fetching follower's id (v0-14 a field, v15+ in ReplicaState), or -1 for a consumer. */
    static int replicaId(FetchRequest request) {
        return request.replicaState().replicaId() >= 0 ? request.replicaState().replicaId() : request.replicaId();
    }

    /** The fetching follower's broker epoch (v15+), else -1. */
    static long replicaEpoch(FetchRequest request) {
        return request.replicaState().replicaEpoch();
    }

    /** One partition of a fetch request, resolved: {@code topicPartition} null when it cannot be named. */
    record FetchedPartition(String topicName, UUID topicId, FetchRequest.FetchPartition request,
                            TopicPartition topicPartition, Errors resolveError) {
    }
}
