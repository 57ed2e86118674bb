package io.varve.raft.rpc;

import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.raft.controller.CreatePartitionsResult;
import io.varve.raft.controller.NewPartitions;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link InternalApiKey#CREATE_PARTITIONS}: a broker that is not the active controller forwards a
 * client's CreatePartitions to it.
 *
 * <pre>
 *  request:  validate_only bool | topics compact array of (name compact string | total_count int32) | tagged fields
 *  response: leader_id int32 | results compact array of
 *              (name compact string | error_code int16 | message compact nullable string) | tagged fields
 * </pre>
 *
 * Stateless; thread-safe.
 */
public final class CreatePartitionsCodec {

    private CreatePartitionsCodec() {
    }

    /** The request. */
    public record Request(boolean validateOnly, List<NewPartitions> topics) {
        public Request {
            topics = List.copyOf(topics);
        }
    }

    /** The response: one result per requested topic, and the leader the answering node knows. */
    public record Response(int leaderId, List<CreatePartitionsResult> results) {
        public Response {
            results = List.copyOf(results);
        }
    }

    public static void write(Request q, ProtocolWriter w) {
        w.writeBoolean(q.validateOnly()).writeArrayLength(q.topics().size(), true);
        for (NewPartitions t : q.topics()) {
            w.writeString(t.topic(), true).writeInt32(t.totalCount());
        }
        w.writeEmptyTaggedFields();
    }

    public static Request readRequest(ProtocolReader r) {
        boolean validateOnly = r.readBoolean();
        int count = r.readNonNullArrayLength(true);
        List<NewPartitions> topics = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            topics.add(new NewPartitions(r.readString(true), r.readInt32()));
        }
        r.skipTaggedFields();
        r.expectEnd();
        return new Request(validateOnly, topics);
    }

    public static void write(Response s, ProtocolWriter w) {
        w.writeInt32(s.leaderId()).writeArrayLength(s.results().size(), true);
        for (CreatePartitionsResult t : s.results()) {
            w.writeString(t.name(), true).writeInt16(t.error().code).writeNullableString(t.message(), true);
        }
        w.writeEmptyTaggedFields();
    }

    public static Response readResponse(ProtocolReader r) {
        int leaderId = r.readInt32();
        int count = r.readNonNullArrayLength(true);
        List<CreatePartitionsResult> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            results.add(new CreatePartitionsResult(r.readString(true), Errors.forCode(r.readInt16()), r.readNullableString(true)));
        }
        r.skipTaggedFields();
        r.expectEnd();
        return new Response(leaderId, results);
    }
}
