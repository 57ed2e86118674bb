package io.varve.raft.rpc;

import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.raft.controller.DeleteTopicResult;
import io.varve.raft.controller.TopicRef;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@link InternalApiKey#DELETE_TOPICS}: a broker that is not the active controller forwards a
 * client's DeleteTopics to it. A topic is named by its name or by its id; an absent id is the zero
 * UUID on the wire, as in Kafka.
 *
 * <pre>
 *  request:  topics compact array of (name compact nullable string | topic_id uuid) | tagged fields
 *  response: leader_id int32 | results compact array of
 *              (name compact nullable string | topic_id uuid | error_code int16
 *               | message compact nullable string) | tagged fields
 * </pre>
 *
 * Stateless; thread-safe.
 */
public final class DeleteTopicsCodec {

    private static final UUID ZERO = new UUID(0, 0);

    private DeleteTopicsCodec() {
    }

    /** The response: one result per requested topic, and the leader the answering node knows. */
    public record Response(int leaderId, List<DeleteTopicResult> results) {
        public Response {
            results = List.copyOf(results);
        }
    }

    public static void writeRequest(List<TopicRef> topics, ProtocolWriter w) {
        w.writeArrayLength(topics.size(), true);
        for (TopicRef t : topics) {
            w.writeNullableString(t.name(), true).writeUuid(orZero(t.topicId()));
        }
        w.writeEmptyTaggedFields();
    }

    public static List<TopicRef> readRequest(ProtocolReader r) {
        int count = r.readNonNullArrayLength(true);
        List<TopicRef> topics = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = r.readNullableString(true);
            UUID id = orNull(r.readUuid());
            if ((name == null) == (id == null)) {
                throw new MalformedMessageException("a topic to delete is named by exactly one of name and id");
            }
            topics.add(new TopicRef(name, id));
        }
        r.skipTaggedFields();
        r.expectEnd();
        return topics;
    }

    public static void write(Response s, ProtocolWriter w) {
        w.writeInt32(s.leaderId()).writeArrayLength(s.results().size(), true);
        for (DeleteTopicResult t : s.results()) {
            w.writeNullableString(t.name(), true).writeUuid(orZero(t.topicId())).writeInt16(t.error().code)
                .writeNullableString(t.message(), true);
        }
        w.writeEmptyTaggedFields();
    }

    public static Response readResponse(ProtocolReader r) {
        int leaderId = r.readInt32();
        int count = r.readNonNullArrayLength(true);
        List<DeleteTopicResult> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            results.add(new DeleteTopicResult(r.readNullableString(true), orNull(r.readUuid()), Errors.forCode(r.readInt16()),
                r.readNullableString(true)));
        }
        r.skipTaggedFields();
        r.expectEnd();
        return new Response(leaderId, results);
    }

    private static UUID orZero(UUID id) {
        return id == null ? ZERO : id;
    }

    private static UUID orNull(UUID id) {
        return ZERO.equals(id) ? null : id;
    }
}
