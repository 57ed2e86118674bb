package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.codec.Records;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Produce request, v9-v12 (all flexible; topics named, topic ids arrive only in v13). The versions
 * of the band share one layout; v10+ lets the response name the new leader, v11/v12 only change
 * what the broker may answer (KIP-951, KIP-890).
 *
 * <pre>
 *  transactional_id compact nullable string | acks int16 | timeout_ms int32
 *  topics [ name compact string | partitions [ index int32 | records compact nullable records | tags ] | tags ]
 *  tags
 * </pre>
 * Records are slices of the request frame (never copied); their owner is the frame's owner.
 *
 * @param transactionalId null unless the producer is transactional
 * @param acks            0 (none), 1 (leader) or -1 (all in-sync replicas)
 * @param timeoutMs       how long the broker may wait for the acks
 * @param topics          what to append where
 */
public record ProduceRequest(String transactionalId, short acks, int timeoutMs, List<TopicData> topics)
        implements ApiRequest {

    /**
     * @param name       the topic name
     * @param partitions the batches for each partition
     */
    public record TopicData(String name, List<PartitionData> partitions) {
    }

    /**
     * @param index   the partition index
     * @param records the record batches to append, or null
     */
    public record PartitionData(int index, Records records) {
    }

    /**
     * Decodes one ProduceRequest at {@code version}, records as read-only slices of the frame.
     *
     * @throws io.varve.protocol.codec.MalformedMessageException when the bytes do not hold one, or the
     *         version lies outside the advertised band
     */
    public static ProduceRequest read(ProtocolReader r, short version) {
        checkVersion(version);
        String transactionalId = r.readNullableString(true);
        short acks = r.readInt16();
        int timeoutMs = r.readInt32();
        int topicCount = r.readNonNullArrayLength(true);
        List<TopicData> topics = new ArrayList<>(topicCount);
        for (int t = 0; t < topicCount; t++) {
            String name = r.readString(true);
            int partitionCount = r.readNonNullArrayLength(true);
            List<PartitionData> partitions = new ArrayList<>(partitionCount);
            for (int p = 0; p < partitionCount; p++) {
                int index = r.readInt32();
                ByteBuffer records = r.readRecords(true);
                r.skipTaggedFields();
                partitions.add(new PartitionData(index, records == null ? null : Records.of(records)));
            }
            r.skipTaggedFields();
            topics.add(new TopicData(name, partitions));
        }
        r.skipTaggedFields();
        return new ProduceRequest(transactionalId, acks, timeoutMs, topics);
    }

    /** Encodes at {@code version}; throws IllegalArgumentException outside the advertised band. */
    @Override
    public void write(ProtocolWriter w, short version) {
        if (!ApiKey.PRODUCE.isVersionSupported(version)) {
            throw new IllegalArgumentException("Produce v" + version + " is outside the supported band");
        }
        w.writeNullableString(transactionalId, true).writeInt16(acks).writeInt32(timeoutMs);
        w.writeArrayLength(topics.size(), true);
        for (TopicData topic : topics) {
            w.writeString(topic.name, true);
            w.writeArrayLength(topic.partitions.size(), true);
            for (PartitionData partition : topic.partitions) {
                w.writeInt32(partition.index).writeRecords(partition.records, true).writeEmptyTaggedFields();
            }
            w.writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.PRODUCE;
    }

    /** Every partition of the request fails with {@code error}; offsets and times are unknown (-1). */
    @Override
    public ProduceResponse errorResponse(Errors error) {
        List<ProduceResponse.TopicResponse> responses = new ArrayList<>(topics.size());
        for (TopicData topic : topics) {
            List<ProduceResponse.PartitionResponse> partitions = new ArrayList<>(topic.partitions.size());
            for (PartitionData partition : topic.partitions) {
                partitions.add(ProduceResponse.PartitionResponse.error(partition.index, error));
            }
            responses.add(new ProduceResponse.TopicResponse(topic.name, partitions));
        }
        return new ProduceResponse(responses, 0, List.of());
    }

    private static void checkVersion(short version) {
        if (!ApiKey.PRODUCE.isVersionSupported(version)) {
            throw new MalformedMessageException("Produce v" + version + " is not supported");
        }
    }
}
