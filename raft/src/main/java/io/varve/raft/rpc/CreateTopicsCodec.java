package io.varve.raft.rpc;

import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.raft.controller.CreateTopicResult;
import io.varve.raft.controller.NewTopic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link InternalApiKey#CREATE_TOPICS}: a broker that is not the active controller forwards topic
 * creations to it (a client's CreateTopics, or auto-creation on Metadata).
 *
 * <pre>
 *  request:  validate_only bool | topics compact array of
 *              (name compact string | num_partitions int32 | replication_factor int16 | configs) | tagged fields
 *  response: leader_id int32 | results compact array of
 *              (name | error_code int16 | message compact nullable string | topic_id uuid
 *               | num_partitions int32 | replication_factor int16 | configs) | tagged fields
 *  configs:  compact array of (key compact string | value compact string)
 * </pre>
 *
 * Stateless; thread-safe.
 */
public final class CreateTopicsCodec {

    private CreateTopicsCodec() {
    }

    /** The request. */
    public record Request(boolean validateOnly, List<NewTopic> topics) {
        public Request {
            topics = List.copyOf(topics);
        }
    }

    /** The response: one result per requested topic, and the leader the answering node knows. */
    public record Response(int leaderId, List<CreateTopicResult> results) {
        public Response {
            results = List.copyOf(results);
        }
    }

    public static void write(Request q, ProtocolWriter w) {
        w.writeBoolean(q.validateOnly()).writeArrayLength(q.topics().size(), true);
        for (NewTopic t : q.topics()) {
            w.writeString(t.name(), true).writeInt32(t.numPartitions()).writeInt16(t.replicationFactor());
            writeConfigs(t.configs(), w);
        }
        w.writeEmptyTaggedFields();
    }

    public static Request readRequest(ProtocolReader r) {
        boolean validateOnly = r.readBoolean();
        int count = r.readNonNullArrayLength(true);
        List<NewTopic> topics = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            topics.add(new NewTopic(r.readString(true), r.readInt32(), r.readInt16(), readConfigs(r)));
        }
        r.skipTaggedFields();
        r.expectEnd();
        return new Request(validateOnly, topics);
    }

    public static void write(Response s, ProtocolWriter w) {
        w.writeInt32(s.leaderId()).writeArrayLength(s.results().size(), true);
        for (CreateTopicResult t : s.results()) {
            w.writeString(t.name(), true).writeInt16(t.error().code).writeNullableString(t.message(), true)
                .writeUuid(t.topicId()).writeInt32(t.numPartitions()).writeInt16(t.replicationFactor());
            writeConfigs(t.configs(), w);
        }
        w.writeEmptyTaggedFields();
    }

    public static Response readResponse(ProtocolReader r) {
        int leaderId = r.readInt32();
        int count = r.readNonNullArrayLength(true);
        List<CreateTopicResult> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            results.add(new CreateTopicResult(r.readString(true), Errors.forCode(r.readInt16()), r.readNullableString(true),
                r.readUuid(), r.readInt32(), r.readInt16(), readConfigs(r)));
        }
        r.skipTaggedFields();
        r.expectEnd();
        return new Response(leaderId, results);
    }

    private static void writeConfigs(Map<String, String> configs, ProtocolWriter w) {
        w.writeArrayLength(configs.size(), true);
        configs.forEach((k, v) -> w.writeString(k, true).writeString(v, true));
    }

    private static Map<String, String> readConfigs(ProtocolReader r) {
        int count = r.readNonNullArrayLength(true);
        Map<String, String> configs = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            if (configs.put(r.readString(true), r.readString(true)) != null) {
                throw new MalformedMessageException("a config named twice");
            }
        }
        return configs;
    }
}
