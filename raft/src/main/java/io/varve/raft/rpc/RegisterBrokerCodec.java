package io.varve.raft.rpc;

import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;

/**
 * {@link InternalApiKey#REGISTER_BROKER}: a broker tells the active controller its client endpoint.
 *
 * <pre>
 *  request:  node_id int32 | host compact string | port int32 | rack compact nullable string | tagged fields
 *  response: error_code int16 | message compact nullable string | broker_epoch int64 | leader_id int32 | tagged fields
 * </pre>
 *
 * {@code leader_id} is the controller the answering node knows to be active (-1 if none), so a
 * broker that asked a follower tries the leader next. Stateless; thread-safe.
 */
public final class RegisterBrokerCodec {

    private RegisterBrokerCodec() {
    }

    /** The request. */
    public record Request(int nodeId, String host, int port, String rack) {
    }

    /** The response. */
    public record Response(short errorCode, String message, long brokerEpoch, int leaderId) {
    }

    public static void write(Request q, ProtocolWriter w) {
        w.writeInt32(q.nodeId()).writeString(q.host(), true).writeInt32(q.port()).writeNullableString(q.rack(), true)
            .writeEmptyTaggedFields();
    }

    public static Request readRequest(ProtocolReader r) {
        Request q = new Request(r.readInt32(), r.readString(true), r.readInt32(), r.readNullableString(true));
        r.skipTaggedFields();
        r.expectEnd();
        return q;
    }

    public static void write(Response s, ProtocolWriter w) {
        w.writeInt16(s.errorCode()).writeNullableString(s.message(), true).writeInt64(s.brokerEpoch())
            .writeInt32(s.leaderId()).writeEmptyTaggedFields();
    }

    public static Response readResponse(ProtocolReader r) {
        Response s = new Response(r.readInt16(), r.readNullableString(true), r.readInt64(), r.readInt32());
        r.skipTaggedFields();
        r.expectEnd();
        return s;
    }
}
