package io.varve.protocol.message;

import static io.varve.protocol.message.CreateTopicsCodecTest.uuid;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaRead;
import static io.varve.protocol.message.KafkaCodecOracle.varveBytes;
import static io.varve.protocol.message.KafkaCodecOracle.varveRead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;

class DeleteTopicsCodecTest {

    private static final ApiKey KEY = ApiKey.DELETE_TOPICS;
    private static final UUID ZERO = new UUID(0, 0);
    private static final Uuid ID = new Uuid(0x0123456789ABCDEFL, 0x7EDCBA9876543210L);

    /** v6 names topics by name or by id in Topics; v4-v5 by name only in TopicNames. */
    static DeleteTopicsRequestData kafkaRequest(short version) {
        DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(4321);
        if (version >= 6) {
            data.setTopics(List.of(new DeleteTopicState().setName("orders").setTopicId(Uuid.ZERO_UUID),
                    new DeleteTopicState().setName(null).setTopicId(ID)));
        } else {
            data.setTopicNames(List.of("orders", "payments"));
        }
        return data;
    }

    static DeleteTopicsRequest expected(DeleteTopicsRequestData theirs, short version) {
        List<DeleteTopicsRequest.DeleteTopicState> topics = new ArrayList<>();
        if (version >= 6) {
            for (DeleteTopicState t : theirs.topics()) {
                topics.add(new DeleteTopicsRequest.DeleteTopicState(t.name(), uuid(t.topicId())));
            }
        } else {
            for (String name : theirs.topicNames()) {
                topics.add(new DeleteTopicsRequest.DeleteTopicState(name, ZERO));
            }
        }
        return new DeleteTopicsRequest(topics, theirs.timeoutMs());
    }

    static DeleteTopicsResponseData kafkaResponse(short version) {
        DeleteTopicsResponseData data = new DeleteTopicsResponseData().setThrottleTimeMs(55);
        data.responses().add(new DeletableTopicResult().setName("orders").setErrorCode((short) 0)
                .setTopicId(version >= 6 ? new Uuid(1L, 2L) : Uuid.ZERO_UUID));
        data.responses().add(new DeletableTopicResult().setName(version >= 6 ? null : "payments")
                .setTopicId(version >= 6 ? ID : Uuid.ZERO_UUID).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code)
                .setErrorMessage(version >= 5 ? "no such topic id" : null));
        return data;
    }

    static DeleteTopicsResponse expected(DeleteTopicsResponseData theirs) {
        List<DeleteTopicsResponse.DeletableTopicResult> results = new ArrayList<>();
        for (DeletableTopicResult t : theirs.responses()) {
            results.add(new DeleteTopicsResponse.DeletableTopicResult(t.name(), uuid(t.topicId()), t.errorCode(),
                    t.errorMessage()));
        }
        return new DeleteTopicsResponse(theirs.throttleTimeMs(), results);
    }

    @Test
    void requestRoundTripsWithKafkaAtEveryAdvertisedVersion() {
        for (short v = KEY.minVersion; v <= KEY.maxVersion; v++) {
            DeleteTopicsRequestData theirs = kafkaRequest(v);
            ByteBuffer kafka = kafkaBytes(theirs, v);
            DeleteTopicsRequest ours = varveRead(kafka, v, DeleteTopicsRequest::read);
            assertEquals(expected(theirs, v), ours, "decoded v" + v);
            ByteBuffer mine = varveBytes(ours, v);
            assertEquals(kafka, mine, "byte-identical at v" + v);
            assertEquals(theirs, kafkaRead(mine, v, DeleteTopicsRequestData::new), "Kafka decodes ours at v" + v);
        }
    }

    @Test
    void responseRoundTripsWithKafkaAtEveryAdvertisedVersion() {
        for (short v = KEY.minVersion; v <= KEY.maxVersion; v++) {
            DeleteTopicsResponseData theirs = kafkaResponse(v);
            ByteBuffer kafka = kafkaBytes(theirs, v);
            DeleteTopicsResponse ours = varveRead(kafka, v, DeleteTopicsResponse::read);
            assertEquals(expected(theirs), ours, "decoded v" + v);
            ByteBuffer mine = varveBytes(ours, v);
            assertEquals(kafka, mine, "byte-identical at v" + v);
            assertEquals(theirs, kafkaRead(mine, v, DeleteTopicsResponseData::new), "Kafka decodes ours at v" + v);
        }
    }

    @Test
    void aTopicNamedOnlyByIdCannotBeWrittenBeforeV6() {
        DeleteTopicsRequest byId = new DeleteTopicsRequest(
                List.of(new DeleteTopicsRequest.DeleteTopicState(null, uuid(ID))), 1000);
        assertThrows(IllegalArgumentException.class, () -> varveBytes(byId, (short) 5));
        assertEquals(byId, varveRead(varveBytes(byId, (short) 6), (short) 6, DeleteTopicsRequest::read));
    }

    @Test
    void unknownTaggedFieldsAreSkipped() {
        DeleteTopicsRequestData theirs = kafkaRequest((short) 6);
        DeleteTopicsRequest plain = expected(theirs, (short) 6);
        theirs.unknownTaggedFields().add(new RawTaggedField(4, new byte[] {1, 2}));
        theirs.topics().get(1).unknownTaggedFields().add(new RawTaggedField(0, new byte[] {3}));
        assertEquals(plain, varveRead(kafkaBytes(theirs, (short) 6), (short) 6, DeleteTopicsRequest::read));

        DeleteTopicsResponseData response = kafkaResponse((short) 5);
        DeleteTopicsResponse plainResponse = expected(response);
        response.responses().iterator().next().unknownTaggedFields().add(new RawTaggedField(2, new byte[] {8, 8, 8}));
        assertEquals(plainResponse, varveRead(kafkaBytes(response, (short) 5), (short) 5, DeleteTopicsResponse::read));
    }

    @Test
    void errorResponseFailsEveryTopicAsTheRequestNamedIt() {
        DeleteTopicsRequest request = expected(kafkaRequest((short) 6), (short) 6);
        DeleteTopicsResponse response = request.errorResponse(Errors.TOPIC_DELETION_DISABLED);
        assertEquals(2, response.responses().size());
        assertEquals("orders", response.responses().get(0).name());
        assertEquals(uuid(ID), response.responses().get(1).topicId());
        for (DeleteTopicsResponse.DeletableTopicResult t : response.responses()) {
            assertEquals(Errors.TOPIC_DELETION_DISABLED.code, t.errorCode());
        }
    }
}
