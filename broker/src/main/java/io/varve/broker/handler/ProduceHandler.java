package io.varve.broker.handler;

import io.varve.broker.metrics.TopicTraffic;
import io.varve.broker.network.RequestContext;
import io.varve.broker.network.ResponseCallback;
import io.varve.broker.replica.Partition;
import io.varve.broker.replica.ReplicaManager;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.Records;
import io.varve.protocol.message.LeaderIdAndEpoch;
import io.varve.protocol.message.ProduceRequest;
import io.varve.protocol.message.ProduceResponse;
import io.varve.protocol.message.ProduceResponse.PartitionResponse;
import io.varve.storage.AppendResult;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Produce: validates and appends each partition's batches on the event loop (short, bounded work
 * under the partition's lock), then answers. With one replica the high-water mark moves with the
 * append, so {@code acks=all} is committed when written; {@code acks=0} gets no response.
 * Transactional produce is refused: Varve has no transaction coordinator yet.
 *
 * <p>Thread-safe and stateless beyond its collaborators.
 */
final class ProduceHandler {

    private final ReplicaManager replicas;
    private final TopicTraffic traffic;

    ProduceHandler(ReplicaManager replicas) {
        this(replicas, TopicTraffic.NONE);
    }

    ProduceHandler(ReplicaManager replicas, TopicTraffic traffic) {
        this.replicas = replicas;
        this.traffic = traffic;
    }

    void handle(RequestContext context, ProduceRequest request, ResponseCallback done) {
        short acks = request.acks();
        if (acks != 0 && acks != 1 && acks != -1) {
            done.respond(request.errorResponse(Errors.INVALID_REQUIRED_ACKS));
            return;
        }
        if (request.transactionalId() != null) {
            done.respond(request.errorResponse(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
            return;
        }
        List<ProduceResponse.TopicResponse> topics = new ArrayList<>(request.topics().size());
        for (ProduceRequest.TopicData topic : request.topics()) {
            List<PartitionResponse> partitions = new ArrayList<>(topic.partitions().size());
            for (ProduceRequest.PartitionData data : topic.partitions()) {
                partitions.add(append(topic.name(), data));
            }
            topics.add(new ProduceResponse.TopicResponse(topic.name(), partitions));
        }
        done.respond(acks == 0 ? null : new ProduceResponse(topics, 0, List.of()));
    }

    private PartitionResponse append(String topic, ProduceRequest.PartitionData data) {
        TopicPartition tp = TopicPartitions.parse(topic, data.index());
        if (tp == null) {
            return failed(data.index(), Errors.INVALID_TOPIC_EXCEPTION);
        }
        Partition partition = replicas.partition(tp);
        if (partition == null) {
            return failed(data.index(), replicas.errorFor(tp));
        }
        Records records = data.records();
        if (!(records instanceof Records.BufferRecords buffer) || records.sizeInBytes() == 0) {
            return failed(data.index(), Errors.INVALID_RECORD);
        }
        ByteBuffer bytes = buffer.buffer();
        AppendResult result = partition.appendAsLeader(new UnsafeBuffer(bytes), 0, bytes.remaining());
        Errors error = AppendErrors.toKafka(result);
        if (error != Errors.NONE) {
            return new PartitionResponse(data.index(), error.code, -1L, -1L, -1L, List.of(),
                AppendErrors.message(result), LeaderIdAndEpoch.UNKNOWN);
        }
        if (!result.duplicate()) {
            traffic.onProduced(topic, bytes.remaining(), result.lastOffset() - result.firstOffset() + 1);
            replicas.appended(tp);
        }
        // A duplicate (a retry of one of the producer's last five batches) is answered with the
        // offsets the original append got, as Kafka does; nothing was written.
        return new PartitionResponse(data.index(), Errors.NONE.code, result.firstOffset(), -1L,
            partition.logStartOffset(), List.of(), null, LeaderIdAndEpoch.UNKNOWN);
    }

    private static PartitionResponse failed(int index, Errors error) {
        return new PartitionResponse(index, error.code, -1L, -1L, -1L, List.of(), null, LeaderIdAndEpoch.UNKNOWN);
    }
}
