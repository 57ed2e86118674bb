package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Produce response, v9-v12. From v10 a partition that failed with {@code NOT_LEADER_OR_FOLLOWER}
 * can name the new leader (partition tag 0, {@code CurrentLeader}) and the response carries that
 * leader's endpoint (top-level tag 0, {@code NodeEndpoints}); both are left out of v9 and skipped
 * there on read.
 *
 * <pre>
 *  responses [ name compact string
 *              | partitions [ index int32 | error_code int16 | base_offset int64 | log_append_time_ms int64
 *                             | log_start_offset int64 | record_errors [ batch_index int32 | message nullable | tags ]
 *                             | error_message compact nullable string | tags(0: current_leader) ]
 *              | tags ]
 *  throttle_time_ms int32 | tags(0: node_endpoints)
 * </pre>
 *
 * @param responses      one entry per topic of the request
 * @param throttleTimeMs how long the client must wait because of a quota, 0 when none
 * @param nodeEndpoints  v10+: endpoints of the leaders named in {@code currentLeader}, else empty
 */
public record ProduceResponse(List<TopicResponse> responses, int throttleTimeMs, List<NodeEndpoint> nodeEndpoints)
        implements ApiResponse {

    /**
     * @param name       the topic name
     * @param partitions one entry per partition of the request
     */
    public record TopicResponse(String name, List<PartitionResponse> partitions) {
    }

    /**
     * @param index           the partition index
     * @param errorCode       the partition's error, 0 when the append succeeded
     * @param baseOffset      the offset given to the first record, -1 on error
     * @param logAppendTimeMs the broker's append time when the topic uses LogAppendTime, else -1
     * @param logStartOffset  the partition's log start offset, -1 when unknown
     * @param recordErrors    the records that made the batch fail, empty when none
     * @param errorMessage    a summary of the record errors, or null
     * @param currentLeader   v10+: the leader to use from now on, {@link LeaderIdAndEpoch#UNKNOWN} when not sent
     */
    public record PartitionResponse(int index, short errorCode, long baseOffset, long logAppendTimeMs,
            long logStartOffset, List<BatchIndexAndErrorMessage> recordErrors, String errorMessage,
            LeaderIdAndEpoch currentLeader) {

        public PartitionResponse {
            currentLeader = currentLeader == null ? LeaderIdAndEpoch.UNKNOWN : currentLeader;
        }

        /** A partition that failed with {@code error} before anything was appended. */
        public static PartitionResponse error(int index, Errors error) {
            return new PartitionResponse(index, error.code, -1L, -1L, -1L, List.of(), null, LeaderIdAndEpoch.UNKNOWN);
        }
    }

    /**
     * @param batchIndex   the index of the record, within its batch, that caused the batch to be dropped
     * @param errorMessage why, or null
     */
    public record BatchIndexAndErrorMessage(int batchIndex, String errorMessage) {
    }

    /**
     * Decodes one ProduceResponse at {@code version}.
     *
     * @throws io.varve.protocol.codec.MalformedMessageException when the bytes do not hold one, or the
     *         version lies outside the advertised band
     */
    public static ProduceResponse read(ProtocolReader r, short version) {
        if (!ApiKey.PRODUCE.isVersionSupported(version)) {
            throw new MalformedMessageException("Produce v" + version + " is not supported");
        }
        int topicCount = r.readNonNullArrayLength(true);
        List<TopicResponse> responses = new ArrayList<>(topicCount);
        for (int t = 0; t < topicCount; t++) {
            String name = r.readString(true);
            int partitionCount = r.readNonNullArrayLength(true);
            List<PartitionResponse> partitions = new ArrayList<>(partitionCount);
            for (int p = 0; p < partitionCount; p++) {
                partitions.add(readPartition(r, version));
            }
            r.skipTaggedFields();
            responses.add(new TopicResponse(name, partitions));
        }
        int throttleTimeMs = r.readInt32();
        List<List<NodeEndpoint>> endpoints = new ArrayList<>(1);
        r.readTaggedFields((tag, in) -> {
            if (tag == 0 && version >= 10) {
                endpoints.add(NodeEndpoint.readAll(in));
                return true;
            }
            return false;
        });
        return new ProduceResponse(responses, throttleTimeMs, endpoints.isEmpty() ? List.of() : endpoints.get(0));
    }

    private static PartitionResponse readPartition(ProtocolReader r, short version) {
        int index = r.readInt32();
        short errorCode = r.readInt16();
        long baseOffset = r.readInt64();
        long logAppendTimeMs = r.readInt64();
        long logStartOffset = r.readInt64();
        int errorCount = r.readNonNullArrayLength(true);
        List<BatchIndexAndErrorMessage> recordErrors = new ArrayList<>(errorCount);
        for (int i = 0; i < errorCount; i++) {
            recordErrors.add(new BatchIndexAndErrorMessage(r.readInt32(), r.readNullableString(true)));
            r.skipTaggedFields();
        }
        String errorMessage = r.readNullableString(true);
        LeaderIdAndEpoch[] leader = {LeaderIdAndEpoch.UNKNOWN};
        r.readTaggedFields((tag, in) -> {
            if (tag == 0 && version >= 10) {
                leader[0] = LeaderIdAndEpoch.read(in);
                return true;
            }
            return false;
        });
        return new PartitionResponse(index, errorCode, baseOffset, logAppendTimeMs, logStartOffset, recordErrors,
                errorMessage, leader[0]);
    }

    /** Encodes at {@code version}; throws IllegalArgumentException outside the advertised band. */
    @Override
    public void write(ProtocolWriter w, short version) {
        if (!ApiKey.PRODUCE.isVersionSupported(version)) {
            throw new IllegalArgumentException("Produce v" + version + " is outside the supported band");
        }
        boolean leaderTags = version >= 10;
        w.writeArrayLength(responses.size(), true);
        for (TopicResponse topic : responses) {
            w.writeString(topic.name, true);
            w.writeArrayLength(topic.partitions.size(), true);
            for (PartitionResponse p : topic.partitions) {
                w.writeInt32(p.index).writeInt16(p.errorCode).writeInt64(p.baseOffset).writeInt64(p.logAppendTimeMs)
                        .writeInt64(p.logStartOffset);
                w.writeArrayLength(p.recordErrors.size(), true);
                for (BatchIndexAndErrorMessage e : p.recordErrors) {
                    w.writeInt32(e.batchIndex).writeNullableString(e.errorMessage, true).writeEmptyTaggedFields();
                }
                w.writeNullableString(p.errorMessage, true);
                if (leaderTags && p.currentLeader.isKnown()) {
                    w.writeUnsignedVarint(1).writeTaggedField(0, p.currentLeader::write);
                } else {
                    w.writeEmptyTaggedFields();
                }
            }
            w.writeEmptyTaggedFields();
        }
        w.writeInt32(throttleTimeMs);
        if (leaderTags && !nodeEndpoints.isEmpty()) {
            w.writeUnsignedVarint(1).writeTaggedField(0, t -> NodeEndpoint.writeAll(t, nodeEndpoints));
        } else {
            w.writeEmptyTaggedFields();
        }
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.PRODUCE;
    }
}
