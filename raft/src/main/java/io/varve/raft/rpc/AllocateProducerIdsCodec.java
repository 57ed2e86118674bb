package io.varve.raft.rpc;

import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;

/**
 * {@link InternalApiKey#ALLOCATE_PRODUCER_IDS}: a broker asks the active controller for a block of
 * producer ids, forwarded because only the active controller can commit the allocation.
 *
 * <pre>
 *  request:  node_id int32 | tagged fields
 *  response: error_code int16 | first_producer_id int64 | size int32 | leader_id int32 | tagged fields
 * </pre>
 *
 * Stateless; thread-safe.
 */
public final class AllocateProducerIdsCodec {

    private AllocateProducerIdsCodec() {
    }

    /** The response: the block, or the error and the leader the answering node knows (-1 if none). */
    public record Response(short errorCode, long firstProducerId, int size, int leaderId) {
    }

    public static void writeRequest(int nodeId, ProtocolWriter w) {
        w.writeInt32(nodeId).writeEmptyTaggedFields();
    }

    public static int readRequest(ProtocolReader r) {
        int nodeId = r.readInt32();
        r.skipTaggedFields();
        r.expectEnd();
        return nodeId;
    }

    public static void write(Response s, ProtocolWriter w) {
        w.writeInt16(s.errorCode()).writeInt64(s.firstProducerId()).writeInt32(s.size()).writeInt32(s.leaderId())
            .writeEmptyTaggedFields();
    }

    public static Response readResponse(ProtocolReader r) {
        Response s = new Response(r.readInt16(), r.readInt64(), r.readInt32(), r.readInt32());
        r.skipTaggedFields();
        r.expectEnd();
        return s;
    }
}
