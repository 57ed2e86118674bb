package io.varve.broker.handler;

import io.varve.broker.network.ResponseCallback;
import io.varve.broker.purgatory.DelayedOperation;
import io.varve.broker.replica.Partition;
import io.varve.broker.replica.ReplicaManager;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.ProduceResponse;
import io.varve.protocol.generated.ProduceResponse.LeaderIdAndEpoch;
import io.varve.protocol.generated.ProduceResponse.PartitionProduceResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An {@code acks=all} produce waiting in the produce purgatory (Request Waiting List) until every
 * partition it appended to has a high-water mark past its last batch, that is until every in-sync
 * replica has it. A partition whose leadership moved answers {@link Errors#NOT_LEADER_OR_FOLLOWER};
 * one whose ISR fell below {@code min.insync.replicas} while waiting answers
 * {@link Errors#NOT_ENOUGH_REPLICAS_AFTER_APPEND}; at the request's {@code timeout.ms} the partitions
 * still waiting answer {@link Errors#REQUEST_TIMED_OUT}. Checked when a high-water mark or ISR changes
 * (events), never by polling.
 *
 * <p>Thread-safe as {@link DelayedOperation} requires: {@link #tryComplete()} runs under the
 * operation's lock and only updates its own per-partition status.
 */
final class DelayedProduce extends DelayedOperation {

    private final ReplicaManager replicas;
    private final List<TopicStatus> topics;
    private final ResponseCallback done;

    /** One partition's outcome so far; {@code requiredOffset} is -1 when it does not wait. */
    static final class PartitionStatus {
        final TopicPartition tp;
        final long requiredOffset;
        PartitionProduceResponse response;
        boolean waiting;

        PartitionStatus(TopicPartition tp, long requiredOffset, PartitionProduceResponse response) {
            this.tp = tp;
            this.requiredOffset = requiredOffset;
            this.response = response;
            this.waiting = requiredOffset >= 0;
        }
    }

    record TopicStatus(String name, UUID topicId, List<PartitionStatus> partitions) {
    }

    DelayedProduce(long timeoutMs, ReplicaManager replicas, List<TopicStatus> topics, ResponseCallback done) {
        super(Math.max(0, timeoutMs));
        this.replicas = replicas;
        this.topics = topics;
        this.done = done;
    }

    /** The partitions still waiting, the keys to watch this operation under. */
    List<TopicPartition> waitingPartitions() {
        List<TopicPartition> out = new ArrayList<>();
        for (TopicStatus t : topics) {
            for (PartitionStatus p : t.partitions()) {
                if (p.waiting) {
                    out.add(p.tp);
                }
            }
        }
        return out;
    }

    @Override
    public boolean tryComplete() {
        boolean pending = false;
        for (TopicStatus t : topics) {
            for (PartitionStatus p : t.partitions()) {
                if (p.waiting) {
                    check(p);
                    pending |= p.waiting;
                }
            }
        }
        return !pending && forceComplete();
    }

    private void check(PartitionStatus p) {
        Partition partition = replicas.partition(p.tp);
        if (partition == null) {
            finish(p, Errors.NOT_LEADER_OR_FOLLOWER);
        } else if (partition.highWatermark() >= p.requiredOffset) {
            p.waiting = false;
        } else if (partition.isBelowMinIsr()) {
            finish(p, Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
        }
    }

    private static void finish(PartitionStatus p, Errors error) {
        p.waiting = false;
        p.response = new PartitionProduceResponse(p.response.index(), error.code, -1L, -1L, -1L, List.of(), null,
            LeaderIdAndEpoch.DEFAULT);
    }

    @Override
    protected void onComplete() {
        List<ProduceResponse.TopicProduceResponse> out = new ArrayList<>(topics.size());
        for (TopicStatus t : topics) {
            List<PartitionProduceResponse> partitions = new ArrayList<>(t.partitions().size());
            for (PartitionStatus p : t.partitions()) {
                if (p.waiting) {
                    finish(p, Errors.REQUEST_TIMED_OUT);
                }
                partitions.add(p.response);
            }
            out.add(new ProduceResponse.TopicProduceResponse(t.name(), t.topicId(), partitions));
        }
        done.respond(new ProduceResponse(out, 0, List.of()));
    }

    @Override
    protected void onExpiration() {
        // The response went out from onComplete, the waiting partitions with REQUEST_TIMED_OUT.
    }
}
