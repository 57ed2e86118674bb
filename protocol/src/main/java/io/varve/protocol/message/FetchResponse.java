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
import java.util.UUID;

/**
 * Fetch response, v12-v16. v12 names topics, v13+ gives topic ids. Each partition may carry three
 * tagged fields: {@code DivergingEpoch} (0), {@code CurrentLeader} (1) and {@code SnapshotId} (2),
 * each sent only when it differs from its all-(-1) default; v16 adds the leaders' endpoints at the
 * top level ({@code NodeEndpoints}, tag 0).
 *
 * <pre>
 *  throttle_time_ms int32 | error_code int16 | session_id int32
 *  responses [ v12: topic compact string, v13+: topic_id uuid
 *              | partitions [ partition_index int32 | error_code int16 | high_watermark int64
 *                             | last_stable_offset int64 | log_start_offset int64
 *                             | aborted_transactions compact nullable [ producer_id int64 | first_offset int64 | tags ]
 *                             | preferred_read_replica int32 | records compact nullable records
 *                             | tags(0: diverging_epoch, 1: current_leader, 2: snapshot_id) ]
 *              | tags ]
 *  tags(0: node_endpoints, v16+)
 * </pre>
 * Records are written by reference ({@link ProtocolWriter#writeRecords}), so a broker answers from
 * segment slices without copying; on read they are slices of the frame.
 *
 * @param throttleTimeMs how long the client must wait because of a quota, 0 when none
 * @param errorCode      the top-level error, 0 when none
 * @param sessionId      the fetch session id, 0 when none
 * @param responses      one entry per topic
 * @param nodeEndpoints  v16+: endpoints of the leaders named in {@code currentLeader}, else empty
 */
public record FetchResponse(int throttleTimeMs, short errorCode, int sessionId, List<FetchableTopicResponse> responses,
        List<NodeEndpoint> nodeEndpoints) implements ApiResponse {

    /**
     * @param topic      v12: the topic name, else ""
     * @param topicId    v13+: the topic id, else {@link FetchRequest#NO_TOPIC_ID}
     * @param partitions one entry per partition
     */
    public record FetchableTopicResponse(String topic, UUID topicId, List<PartitionData> partitions) {
    }

    /**
     * @param partitionIndex       the partition index
     * @param errorCode            the partition's error, 0 when none
     * @param highWatermark        the high-water mark
     * @param lastStableOffset     the last stable offset, -1 when unknown
     * @param logStartOffset       the log start offset, -1 when unknown
     * @param divergingEpoch       where a follower's log diverges, {@link EpochEndOffset#NONE} when it does not
     * @param currentLeader        the current leader, {@link LeaderIdAndEpoch#UNKNOWN} when not sent
     * @param snapshotId           the snapshot to fetch instead, {@link SnapshotId#NONE} when not sent
     * @param abortedTransactions  the aborted transactions in range, or null
     * @param preferredReadReplica the replica the consumer should fetch from next, -1 for the leader
     * @param records              the record batches, or null
     */
    public record PartitionData(int partitionIndex, short errorCode, long highWatermark, long lastStableOffset,
            long logStartOffset, EpochEndOffset divergingEpoch, LeaderIdAndEpoch currentLeader, SnapshotId snapshotId,
            List<AbortedTransaction> abortedTransactions, int preferredReadReplica, Records records) {

        public PartitionData {
            divergingEpoch = divergingEpoch == null ? EpochEndOffset.NONE : divergingEpoch;
            currentLeader = currentLeader == null ? LeaderIdAndEpoch.UNKNOWN : currentLeader;
            snapshotId = snapshotId == null ? SnapshotId.NONE : snapshotId;
        }

        /** A partition that failed with {@code error}: offsets unknown, no records. */
        public static PartitionData error(int partitionIndex, Errors error) {
            return new PartitionData(partitionIndex, error.code, -1L, -1L, -1L, EpochEndOffset.NONE,
                    LeaderIdAndEpoch.UNKNOWN, SnapshotId.NONE, null, -1, Records.of(ByteBuffer.allocate(0)));
        }
    }

    /**
     * @param epoch     the largest epoch the leader and the follower share, -1 for none
     * @param endOffset the end offset of that epoch, -1 for none
     */
    public record EpochEndOffset(int epoch, long endOffset) {
        public static final EpochEndOffset NONE = new EpochEndOffset(-1, -1L);
    }

    /**
     * @param endOffset the snapshot's end offset, -1 for none
     * @param epoch     the snapshot's epoch, -1 for none
     */
    public record SnapshotId(long endOffset, int epoch) {
        public static final SnapshotId NONE = new SnapshotId(-1L, -1);
    }

    /**
     * @param producerId  the producer of the aborted transaction
     * @param firstOffset the transaction's first offset
     */
    public record AbortedTransaction(long producerId, long firstOffset) {
    }

    /**
     * Decodes one FetchResponse at {@code version}, records as read-only slices of the frame.
     *
     * @throws io.varve.protocol.codec.MalformedMessageException when the bytes do not hold one, or the
     *         version lies outside the advertised band
     */
    public static FetchResponse read(ProtocolReader r, short version) {
        if (!ApiKey.FETCH.isVersionSupported(version)) {
            throw new MalformedMessageException("Fetch v" + version + " is not supported");
        }
        int throttleTimeMs = r.readInt32();
        short errorCode = r.readInt16();
        int sessionId = r.readInt32();
        int topicCount = r.readNonNullArrayLength(true);
        List<FetchableTopicResponse> responses = new ArrayList<>(topicCount);
        for (int t = 0; t < topicCount; t++) {
            String name = version <= 12 ? r.readString(true) : "";
            UUID topicId = version >= 13 ? r.readUuid() : FetchRequest.NO_TOPIC_ID;
            int partitionCount = r.readNonNullArrayLength(true);
            List<PartitionData> partitions = new ArrayList<>(partitionCount);
            for (int p = 0; p < partitionCount; p++) {
                partitions.add(readPartition(r));
            }
            r.skipTaggedFields();
            responses.add(new FetchableTopicResponse(name, topicId, partitions));
        }
        List<List<NodeEndpoint>> endpoints = new ArrayList<>(1);
        r.readTaggedFields((tag, in) -> {
            if (tag == 0 && version >= 16) {
                endpoints.add(NodeEndpoint.readAll(in));
                return true;
            }
            return false;
        });
        return new FetchResponse(throttleTimeMs, errorCode, sessionId, responses,
                endpoints.isEmpty() ? List.of() : endpoints.get(0));
    }

    private static PartitionData readPartition(ProtocolReader r) {
        int partitionIndex = r.readInt32();
        short errorCode = r.readInt16();
        long highWatermark = r.readInt64();
        long lastStableOffset = r.readInt64();
        long logStartOffset = r.readInt64();
        List<AbortedTransaction> aborted = null;
        int abortedCount = r.readArrayLength(true);
        if (abortedCount >= 0) {
            aborted = new ArrayList<>(abortedCount);
            for (int i = 0; i < abortedCount; i++) {
                aborted.add(new AbortedTransaction(r.readInt64(), r.readInt64()));
                r.skipTaggedFields();
            }
        }
        int preferredReadReplica = r.readInt32();
        ByteBuffer records = r.readRecords(true);
        Object[] tags = {EpochEndOffset.NONE, LeaderIdAndEpoch.UNKNOWN, SnapshotId.NONE};
        r.readTaggedFields((tag, in) -> {
            switch (tag) {
                case 0 -> tags[0] = new EpochEndOffset(in.readInt32(), in.readInt64());
                case 1 -> tags[1] = new LeaderIdAndEpoch(in.readInt32(), in.readInt32());
                case 2 -> tags[2] = new SnapshotId(in.readInt64(), in.readInt32());
                default -> {
                    return false;
                }
            }
            in.skipTaggedFields();
            return true;
        });
        return new PartitionData(partitionIndex, errorCode, highWatermark, lastStableOffset, logStartOffset,
                (EpochEndOffset) tags[0], (LeaderIdAndEpoch) tags[1], (SnapshotId) tags[2], aborted,
                preferredReadReplica, records == null ? null : Records.of(records));
    }

    /** Encodes at {@code version}; throws IllegalArgumentException outside the advertised band. */
    @Override
    public void write(ProtocolWriter w, short version) {
        if (!ApiKey.FETCH.isVersionSupported(version)) {
            throw new IllegalArgumentException("Fetch v" + version + " is outside the supported band");
        }
        w.writeInt32(throttleTimeMs).writeInt16(errorCode).writeInt32(sessionId);
        w.writeArrayLength(responses.size(), true);
        for (FetchableTopicResponse topic : responses) {
            FetchRequest.writeTopicKey(w, version, topic.topic, topic.topicId);
            w.writeArrayLength(topic.partitions.size(), true);
            for (PartitionData p : topic.partitions) {
                writePartition(w, p);
            }
            w.writeEmptyTaggedFields();
        }
        if (version >= 16 && !nodeEndpoints.isEmpty()) {
            w.writeUnsignedVarint(1).writeTaggedField(0, t -> NodeEndpoint.writeAll(t, nodeEndpoints));
        } else {
            w.writeEmptyTaggedFields();
        }
    }

    private static void writePartition(ProtocolWriter w, PartitionData p) {
        w.writeInt32(p.partitionIndex).writeInt16(p.errorCode).writeInt64(p.highWatermark)
                .writeInt64(p.lastStableOffset).writeInt64(p.logStartOffset);
        if (p.abortedTransactions == null) {
            w.writeArrayLength(-1, true);
        } else {
            w.writeArrayLength(p.abortedTransactions.size(), true);
            for (AbortedTransaction a : p.abortedTransactions) {
                w.writeInt64(a.producerId).writeInt64(a.firstOffset).writeEmptyTaggedFields();
            }
        }
        w.writeInt32(p.preferredReadReplica).writeRecords(p.records, true);
        boolean diverging = !p.divergingEpoch.equals(EpochEndOffset.NONE);
        boolean leader = p.currentLeader.isKnown();
        boolean snapshot = !p.snapshotId.equals(SnapshotId.NONE);
        w.writeUnsignedVarint((diverging ? 1 : 0) + (leader ? 1 : 0) + (snapshot ? 1 : 0));
        if (diverging) {
            w.writeTaggedField(0, t -> t.writeInt32(p.divergingEpoch.epoch).writeInt64(p.divergingEpoch.endOffset)
                    .writeEmptyTaggedFields());
        }
        if (leader) {
            w.writeTaggedField(1, p.currentLeader::write);
        }
        if (snapshot) {
            w.writeTaggedField(2, t -> t.writeInt64(p.snapshotId.endOffset).writeInt32(p.snapshotId.epoch)
                    .writeEmptyTaggedFields());
        }
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FETCH;
    }
}
