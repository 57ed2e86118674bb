package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * OffsetCommit response, v8-v9 (all flexible, one layout).
 *
 * <pre>
 *  throttle_time_ms int32 | topics [name string, partitions [partition_index int32, error_code int16]]
 * </pre>
 */
public record OffsetCommitResponse(int throttleTimeMs, List<Topic> topics) implements ApiResponse {

    public OffsetCommitResponse {
        topics = List.copyOf(topics);
    }

    /** The outcome for one topic's partitions. */
    public record Topic(String name, List<Partition> partitions) {
        public Topic {
            partitions = List.copyOf(partitions);
        }
    }

    /** The outcome for one partition. */
    public record Partition(int partitionIndex, short errorCode) {
    }

    /** Decodes a response body at {@code version}, which must lie in the OffsetCommit band. */
    public static OffsetCommitResponse read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.OFFSET_COMMIT, version);
        int throttleTimeMs = r.readInt32();
        int nt = r.readNonNullArrayLength(true);
        List<Topic> topics = new ArrayList<>(nt);
        for (int i = 0; i < nt; i++) {
            String name = r.readString(true);
            int np = r.readNonNullArrayLength(true);
            List<Partition> partitions = new ArrayList<>(np);
            for (int j = 0; j < np; j++) {
                partitions.add(new Partition(r.readInt32(), r.readInt16()));
                r.skipTaggedFields();
            }
            r.skipTaggedFields();
            topics.add(new Topic(name, partitions));
        }
        r.skipTaggedFields();
        return new OffsetCommitResponse(throttleTimeMs, topics);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.OFFSET_COMMIT, version);
        w.writeInt32(throttleTimeMs).writeArrayLength(topics.size(), true);
        for (Topic t : topics) {
            w.writeString(t.name, true).writeArrayLength(t.partitions.size(), true);
            for (Partition p : t.partitions) {
                w.writeInt32(p.partitionIndex).writeInt16(p.errorCode).writeEmptyTaggedFields();
            }
            w.writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_COMMIT;
    }
}
