package io.varve.broker.handler;

import io.varve.broker.metrics.TopicTraffic;
import io.varve.broker.handler.FetchHandler.FetchedPartition;
import io.varve.broker.network.ResponseCallback;
import io.varve.broker.purgatory.DelayedOperation;
import io.varve.broker.replica.LogSliceRecords;
import io.varve.broker.replica.Partition;
import io.varve.broker.replica.ReplicaManager;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.Records;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;
import io.varve.protocol.generated.FetchResponse.LeaderIdAndEpoch;
import io.varve.protocol.generated.FetchResponse.PartitionData;
import java.util.UUID;
import io.varve.storage.LogSlice;
import io.varve.storage.checkpoint.EpochEndOffset;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A fetch that may wait: complete when the partitions hold at least {@code min.bytes} past the
 * fetch offsets, when any partition has an error to report, or at {@code max.wait.ms}. The response
 * is read when the operation completes, so it carries everything appended until then, as zero-copy
 * segment slices bounded by the partition and response maximums (the first batch always fits, so a
 * consumer always progresses). A consumer reads below the high-water mark; a follower (replica id set)
 * reads up to the log end once it proved to be one (a replica, at its registered broker epoch), and when
 * its last fetched epoch shows that its log diverged from this leader's, it is answered at once with the
 * diverging epoch and no records.
 *
 * <p>Thread-safe as {@link DelayedOperation} requires: {@link #tryComplete()} only reads.
 */
final class DelayedFetch extends DelayedOperation {

    private static final byte READ_COMMITTED = 1;
    private static final UUID NO_TOPIC_ID = new UUID(0L, 0L);
    private static final Records NO_RECORDS = Records.of(ByteBuffer.allocate(0));

    private final ReplicaManager replicas;
    private final FetchRequest request;
    private final List<FetchedPartition> partitions;
    private final int maxResponseBytes;
    private final TopicTraffic traffic;
    private final ResponseCallback done;
    private final boolean fromFollower;

    DelayedFetch(ReplicaManager replicas, FetchRequest request, List<FetchedPartition> partitions,
                 int maxResponseBytes, TopicTraffic traffic, ResponseCallback done) {
        super(Math.max(0, request.maxWaitMs()));
        this.replicas = replicas;
        this.request = request;
        this.partitions = partitions;
        this.maxResponseBytes = maxResponseBytes;
        this.traffic = traffic;
        this.done = done;
        this.fromFollower = FetchHandler.replicaId(request) >= 0;
    }

    @Override
    public boolean tryComplete() {
        long available = 0;
        for (FetchedPartition p : partitions) {
            Partition partition = p.topicPartition() == null ? null : replicas.partition(p.topicPartition());
            if (p.resolveError() != Errors.NONE || partition == null || check(p, partition) != Errors.NONE) {
                return forceComplete();
            }
            long offset = p.request().fetchOffset();
            if (fromFollower && divergence(p, partition) != null) {
                return forceComplete();
            }
            if (offset < limit(partition)) {
                try (LogSlice slice = partition.read(offset, Math.max(1, p.request().partitionMaxBytes()))) {
                    available += slice.sizeInBytes();
                }
            }
            if (available >= request.minBytes()) {
                return forceComplete();
            }
        }
        return false;
    }

    @Override
    protected void onComplete() {
        List<FetchResponse.FetchableTopicResponse> topics = new ArrayList<>();
        int index = 0;
        int responseBytes = 0;
        for (FetchRequest.FetchTopic topic : request.topics()) {
            List<PartitionData> out = new ArrayList<>(topic.partitions().size());
            for (int i = 0; i < topic.partitions().size(); i++) {
                FetchedPartition p = partitions.get(index++);
                PartitionData data = read(p, responseBytes);
                responseBytes += data.records() == null ? 0 : data.records().sizeInBytes();
                out.add(data);
            }
            topics.add(new FetchResponse.FetchableTopicResponse(topic.topic(), topic.topicId(), out));
        }
        done.respond(new FetchResponse(0, Errors.NONE.code, 0, topics, List.of()));
    }

    @Override
    protected void onExpiration() {
        // The response already went out from onComplete with whatever had arrived.
    }

    private PartitionData read(FetchedPartition p, int responseBytes) {
        int index = p.request().partition();
        if (p.resolveError() != Errors.NONE) {
            return error(index, p.resolveError());
        }
        Partition partition = replicas.partition(p.topicPartition());
        if (partition == null) {
            return error(index, replicas.errorFor(p.topicPartition()));
        }
        Errors error = check(p, partition);
        if (error == Errors.OFFSET_OUT_OF_RANGE && fromFollower) {
            // The follower needs the log start to restart from when retention here went past its offset.
            return new PartitionData(index, error.code, partition.highWatermark(), -1L, partition.logStartOffset(),
                FetchResponse.EpochEndOffset.DEFAULT, LeaderIdAndEpoch.DEFAULT, FetchResponse.SnapshotId.DEFAULT, null, -1,
                NO_RECORDS);
        }
        if (error != Errors.NONE) {
            return error(index, error);
        }
        long hwm = partition.highWatermark();
        Records records = NO_RECORDS;
        int room = maxResponseBytes - responseBytes;
        long offset = p.request().fetchOffset();
        EpochEndOffset diverging = fromFollower ? divergence(p, partition) : null;
        if (diverging != null) {
            return new PartitionData(index, Errors.NONE.code, hwm, hwm, partition.logStartOffset(),
                new FetchResponse.EpochEndOffset(diverging.epoch(), diverging.endOffset()), LeaderIdAndEpoch.DEFAULT,
                FetchResponse.SnapshotId.DEFAULT, null, -1, NO_RECORDS);
        }
        if (offset < limit(partition) && room > 0) {
            LogSlice slice = partition.read(offset, Math.max(1, Math.min(p.request().partitionMaxBytes(), room)));
            if (slice.isEmpty() || (responseBytes > 0 && slice.sizeInBytes() > room)) {
                slice.close(); // the first batch is larger than the room left: the next fetch gets it
            } else {
                traffic.onFetched(p.topicPartition().topic(), slice.sizeInBytes(),
                    TopicTraffic.countRecords(slice.buffer(), slice.sizeInBytes()));
                records = new LogSliceRecords(slice);
            }
        }
        // No transactions yet: nothing aborted, and the last stable offset is the high watermark. A
        // read_committed fetch gets an empty aborted list, read_uncommitted none (null), as from Kafka.
        return new PartitionData(index, Errors.NONE.code, hwm, hwm, partition.logStartOffset(),
            FetchResponse.EpochEndOffset.DEFAULT, LeaderIdAndEpoch.DEFAULT, FetchResponse.SnapshotId.DEFAULT,
            request.isolationLevel() == READ_COMMITTED ? List.of() : null, -1, records);
    }

    /**
     * How far this fetch may read: the log end for a follower (a replica id that is one of the
     * partition's replicas), the high-water mark for anyone else.
     */
    private long limit(Partition partition) {
        return fromFollower && partition.hasReplica(FetchHandler.replicaId(request)) ? partition.logEndOffset() : partition.highWatermark();
    }

    private static EpochEndOffset divergence(FetchedPartition p, Partition partition) {
        return partition.divergence(p.request().fetchOffset(), p.request().lastFetchedEpoch());
    }

    /**
     * Topic id (a topic re-created while the fetch waited), leader-epoch fencing, for a follower whether it
     * is one ({@link ReplicaManager#followerFetchError}), and offset range, as Kafka reports them: the range
     * is the log's, so a consumer ahead of a new leader's high-water mark waits instead of being reset.
     */
    private Errors check(FetchedPartition p, Partition partition) {
        if (p.topicId() != null && !NO_TOPIC_ID.equals(p.topicId()) && !p.topicId().equals(partition.topicId())) {
            return Errors.UNKNOWN_TOPIC_ID;
        }
        int epoch = p.request().currentLeaderEpoch();
        if (epoch >= 0 && epoch < partition.leaderEpoch()) {
            return Errors.FENCED_LEADER_EPOCH;
        }
        if (epoch > partition.leaderEpoch()) {
            return Errors.UNKNOWN_LEADER_EPOCH;
        }
        if (fromFollower) {
            Errors notFollower = replicas.followerFetchError(partition, FetchHandler.replicaId(request),
                FetchHandler.replicaEpoch(request), epoch);
            if (notFollower != Errors.NONE) {
                return notFollower; // no records, and no progress recorded
            }
        }
        if (fromFollower && divergence(p, partition) != null) {
            return Errors.NONE; // a diverged follower may be past this log's end: it is told where to truncate
        }
        long offset = p.request().fetchOffset();
        if (offset < partition.logStartOffset() || offset > partition.logEndOffset()) {
            return Errors.OFFSET_OUT_OF_RANGE;
        }
        return Errors.NONE;
    }

    private static PartitionData error(int index, Errors error) {
        return new PartitionData(index, error.code, -1L, -1L, -1L, FetchResponse.EpochEndOffset.DEFAULT,
            LeaderIdAndEpoch.DEFAULT, FetchResponse.SnapshotId.DEFAULT, null, -1, NO_RECORDS);
    }
}
