package io.varve.raft.rpc;

import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;

/**
 * {@link InternalApiKey#BROKER_HEARTBEAT}: a broker renews its lease with the active controller.
 *
 * <pre>
 *  request:  node_id int32 | broker_epoch int64 | want_shut_down bool | tagged fields
 *  response: error_code int16 | fenced bool | should_shut_down bool | leader_id int32 | tagged fields
 * </pre>
 *
 * {@code leader_id} is the controller the answering node knows to be active (-1 if none). Stateless;
 * thread-safe.
 */
public final class BrokerHeartbeatCodec {

    private BrokerHeartbeatCodec() {
    }

    /** The request. */
    public record Request(int nodeId, long brokerEpoch, boolean wantShutDown) {
    }

    /** The response. */
    public record Response(short errorCode, boolean fenced, boolean shouldShutDown, int leaderId) {
    }

    public static void write(Request q, ProtocolWriter w) {
        w.writeInt32(q.nodeId()).writeInt64(q.brokerEpoch()).writeBoolean(q.wantShutDown()).writeEmptyTaggedFields();
    }

    public static Request readRequest(ProtocolReader r) {
        Request q = new Request(r.readInt32(), r.readInt64(), r.readBoolean());
        r.skipTaggedFields();
        r.expectEnd();
        return q;
    }

    public static void write(Response s, ProtocolWriter w) {
        w.writeInt16(s.errorCode()).writeBoolean(s.fenced()).writeBoolean(s.shouldShutDown()).writeInt32(s.leaderId())
            .writeEmptyTaggedFields();
    }

    public static Response readResponse(ProtocolReader r) {
        Response s = new Response(r.readInt16(), r.readBoolean(), r.readBoolean(), r.readInt32());
        r.skipTaggedFields();
        r.expectEnd();
        return s;
    }
}
