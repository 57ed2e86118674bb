package io.varve.broker.handler;

import io.varve.broker.metrics.TopicTraffic;
import io.varve.broker.network.RequestContext;
import io.varve.broker.network.ResponseCallback;
import io.varve.broker.purgatory.DelayedOperationPurgatory;
import io.varve.broker.replica.Partition;
import io.varve.broker.replica.ReplicaManager;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.Records;
import io.varve.protocol.ErrorResponses;
import io.varve.protocol.generated.ProduceRequest;
import io.varve.protocol.generated.ProduceResponse.LeaderIdAndEpoch;
import io.varve.protocol.generated.ProduceResponse.PartitionProduceResponse;
import io.varve.raft.metadata.TopicImage;
import io.varve.storage.AppendResult;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Produce: validates and appends each partition's batches on the event loop (short, bounded work
 * under the partition's lock). {@code acks=1} answers once written, {@code acks=0} gets no response,
 * and {@code acks=all} is refused with NOT_ENOUGH_REPLICAS while the ISR is below
 * {@code min.insync.replicas}, else answered when every in-sync replica has the batches: at once when
 * the high-water mark already passed them (an ISR of the leader alone), otherwise from the produce
 * purgatory ({@link DelayedProduce}). Transactional produce is refused: Varve has no transaction
 * coordinator yet.
 *
 * <p>Thread-safe and stateless beyond its collaborators.
 */
final class ProduceHandler {

    private final ReplicaManager replicas;
    private final DelayedOperationPurgatory<TopicPartition> purgatory;
    private final TopicTraffic traffic;

    ProduceHandler(ReplicaManager replicas, DelayedOperationPurgatory<TopicPartition> purgatory) {
        this(replicas, purgatory, TopicTraffic.NONE);
    }

    ProduceHandler(ReplicaManager replicas, DelayedOperationPurgatory<TopicPartition> purgatory, TopicTraffic traffic) {
        this.replicas = replicas;
        this.purgatory = purgatory;
        this.traffic = traffic;
    }

    void handle(RequestContext context, ProduceRequest request, ResponseCallback done) {
        short acks = request.acks();
        if (acks != 0 && acks != 1 && acks != -1) {
            done.respond(ErrorResponses.of(request, context.apiVersion(), Errors.INVALID_REQUIRED_ACKS));
            return;
        }
        if (request.transactionalId() != null) {
            done.respond(ErrorResponses.of(request, context.apiVersion(), Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
            return;
        }
        boolean acksAll = acks == -1;
        List<DelayedProduce.TopicStatus> topics = new ArrayList<>(request.topicData().size());
        for (ProduceRequest.TopicProduceData topic : request.topicData()) {
            // v13 names topics by id (the name is absent); an id this broker does not know: UNKNOWN_TOPIC_ID
            String name = topic.name();
            if (context.apiVersion() >= 13) {
                TopicImage image = replicas.image().topic(topic.topicId());
                name = image == null ? null : image.name();
            }
            List<DelayedProduce.PartitionStatus> partitions = new ArrayList<>(topic.partitionData().size());
            for (ProduceRequest.PartitionProduceData data : topic.partitionData()) {
                partitions.add(name == null ? failed(null, data.index(), Errors.UNKNOWN_TOPIC_ID)
                    : append(name, data, acksAll));
            }
            topics.add(new DelayedProduce.TopicStatus(topic.name(), topic.topicId(), partitions));
        }
        DelayedProduce produce = new DelayedProduce(request.timeoutMs(), replicas, topics, acks == 0 ? r -> done.respond(null) : done);
        List<TopicPartition> waiting = produce.waitingPartitions();
        if (waiting.isEmpty() || purgatory.tryCompleteElseWatch(produce, waiting) == DelayedOperationPurgatory.WatchResult.FULL) {
            produce.forceComplete(); // nothing to wait for, or no room to wait: the waiting ones time out now
        }
    }

    private DelayedProduce.PartitionStatus append(String topic, ProduceRequest.PartitionProduceData data, boolean acksAll) {
        TopicPartition tp = TopicPartitions.parse(topic, data.index());
        if (tp == null) {
            return failed(null, data.index(), Errors.INVALID_TOPIC_EXCEPTION);
        }
        Partition partition = replicas.partition(tp);
        if (partition == null) {
            return failed(tp, data.index(), replicas.errorFor(tp));
        }
        Records records = data.records();
        if (!(records instanceof Records.BufferRecords buffer) || records.sizeInBytes() == 0) {
            return failed(tp, data.index(), Errors.INVALID_RECORD);
        }
        ByteBuffer bytes = buffer.buffer();
        Partition.LeaderAppend append = partition.appendAsLeader(new UnsafeBuffer(bytes), 0, bytes.remaining(), acksAll);
        if (append.refusal() != Errors.NONE) {
            return failed(tp, data.index(), append.refusal());
        }
        AppendResult result = append.result();
        Errors error = AppendErrors.toKafka(result);
        if (error != Errors.NONE) {
            return new DelayedProduce.PartitionStatus(tp, -1, new PartitionProduceResponse(data.index(), error.code, -1L, -1L,
                -1L, List.of(), AppendErrors.message(result), LeaderIdAndEpoch.DEFAULT));
        }
        if (!result.duplicate()) {
            traffic.onProduced(topic, bytes.remaining(), result.lastOffset() - result.firstOffset() + 1);
            replicas.appended(tp);
        }
        // A duplicate (a retry of one of the producer's last five batches) is answered with the
        // offsets the original append got, as Kafka does; nothing was written.
        PartitionProduceResponse ok = new PartitionProduceResponse(data.index(), Errors.NONE.code, result.firstOffset(), -1L,
            partition.logStartOffset(), List.of(), null, LeaderIdAndEpoch.DEFAULT);
        return new DelayedProduce.PartitionStatus(tp, acksAll ? result.lastOffset() + 1 : -1, ok);
    }

    private static DelayedProduce.PartitionStatus failed(TopicPartition tp, int index, Errors error) {
        return new DelayedProduce.PartitionStatus(tp, -1,
            new PartitionProduceResponse(index, error.code, -1L, -1L, -1L, List.of(), null, LeaderIdAndEpoch.DEFAULT));
    }
}
