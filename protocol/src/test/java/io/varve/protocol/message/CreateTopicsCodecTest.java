package io.varve.protocol.message;

import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaRead;
import static io.varve.protocol.message.KafkaCodecOracle.varveBytes;
import static io.varve.protocol.message.KafkaCodecOracle.varveRead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;

class CreateTopicsCodecTest {

    private static final ApiKey KEY = ApiKey.CREATE_TOPICS;

    static CreateTopicsRequestData kafkaRequest() {
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(1234).setValidateOnly(true);
        CreatableTopic manual = new CreatableTopic().setName("orders").setNumPartitions(-1).setReplicationFactor((short) -1);
        manual.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(1, 2, 3)));
        manual.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(List.of(3, 1)));
        manual.configs().add(new CreatableTopicConfig().setName("cleanup.policy").setValue("compact"));
        manual.configs().add(new CreatableTopicConfig().setName("retention.ms").setValue(null));
        data.topics().add(manual);
        data.topics().add(new CreatableTopic().setName("payments").setNumPartitions(12).setReplicationFactor((short) 3));
        return data;
    }

    /** Our request as it must decode from {@code theirs}, built field by field. */
    static CreateTopicsRequest expected(CreateTopicsRequestData theirs) {
        List<CreateTopicsRequest.CreatableTopic> topics = new ArrayList<>();
        for (CreatableTopic t : theirs.topics()) {
            List<CreateTopicsRequest.ReplicaAssignment> assignments = new ArrayList<>();
            for (CreatableReplicaAssignment a : t.assignments()) {
                assignments.add(new CreateTopicsRequest.ReplicaAssignment(a.partitionIndex(), a.brokerIds()));
            }
            List<CreateTopicsRequest.CreatableTopicConfig> configs = new ArrayList<>();
            for (CreatableTopicConfig c : t.configs()) {
                configs.add(new CreateTopicsRequest.CreatableTopicConfig(c.name(), c.value()));
            }
            topics.add(new CreateTopicsRequest.CreatableTopic(t.name(), t.numPartitions(), t.replicationFactor(),
                    assignments, configs));
        }
        return new CreateTopicsRequest(topics, theirs.timeoutMs(), theirs.validateOnly());
    }

    static CreateTopicsResponseData kafkaResponse(short version) {
        CreateTopicsResponseData data = new CreateTopicsResponseData().setThrottleTimeMs(77);
        CreatableTopicResult ok = new CreatableTopicResult().setName("orders").setErrorCode((short) 0)
                .setErrorMessage(null).setNumPartitions(2).setReplicationFactor((short) 3)
                .setTopicId(version >= 7 ? new Uuid(0x1122334455667788L, 0x99AABBCCDDEEFF00L) : Uuid.ZERO_UUID);
        ok.configs().add(new CreatableTopicConfigs().setName("cleanup.policy").setValue("compact")
                .setReadOnly(true).setConfigSource((byte) 1).setIsSensitive(false));
        ok.configs().add(new CreatableTopicConfigs().setName("sasl.password").setValue(null)
                .setReadOnly(false).setConfigSource((byte) 5).setIsSensitive(true));
        data.topics().add(ok);
        data.topics().add(new CreatableTopicResult().setName("payments").setErrorCode(Errors.TOPIC_ALREADY_EXISTS.code)
                .setErrorMessage("Topic 'payments' already exists.").setTopicConfigErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code)
                .setNumPartitions(-1).setReplicationFactor((short) -1).setConfigs(null)
                .setTopicId(version >= 7 ? new Uuid(5L, 6L) : Uuid.ZERO_UUID));
        return data;
    }

    static CreateTopicsResponse expected(CreateTopicsResponseData theirs) {
        List<CreateTopicsResponse.CreatableTopicResult> topics = new ArrayList<>();
        for (CreatableTopicResult t : theirs.topics()) {
            List<CreateTopicsResponse.CreatableTopicConfigs> configs = null;
            if (t.configs() != null) {
                configs = new ArrayList<>();
                for (CreatableTopicConfigs c : t.configs()) {
                    configs.add(new CreateTopicsResponse.CreatableTopicConfigs(c.name(), c.value(), c.readOnly(),
                            c.configSource(), c.isSensitive()));
                }
            }
            topics.add(new CreateTopicsResponse.CreatableTopicResult(t.name(), uuid(t.topicId()), t.errorCode(),
                    t.errorMessage(), t.topicConfigErrorCode(), t.numPartitions(), t.replicationFactor(), configs));
        }
        return new CreateTopicsResponse(theirs.throttleTimeMs(), topics);
    }

    static UUID uuid(Uuid u) {
        return new UUID(u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    @Test
    void requestRoundTripsWithKafkaAtEveryAdvertisedVersion() {
        for (short v = KEY.minVersion; v <= KEY.maxVersion; v++) {
            CreateTopicsRequestData theirs = kafkaRequest();
            ByteBuffer kafka = kafkaBytes(theirs, v);
            CreateTopicsRequest ours = varveRead(kafka, v, CreateTopicsRequest::read);
            assertEquals(expected(theirs), ours, "decoded v" + v);
            ByteBuffer mine = varveBytes(ours, v);
            assertEquals(kafka, mine, "byte-identical at v" + v);
            assertEquals(theirs, kafkaRead(mine, v, CreateTopicsRequestData::new), "Kafka decodes ours at v" + v);
        }
    }

    @Test
    void responseRoundTripsWithKafkaAtEveryAdvertisedVersion() {
        for (short v = KEY.minVersion; v <= KEY.maxVersion; v++) {
            CreateTopicsResponseData theirs = kafkaResponse(v);
            ByteBuffer kafka = kafkaBytes(theirs, v);
            CreateTopicsResponse ours = varveRead(kafka, v, CreateTopicsResponse::read);
            assertEquals(expected(theirs), ours, "decoded v" + v);
            ByteBuffer mine = varveBytes(ours, v);
            assertEquals(kafka, mine, "byte-identical at v" + v);
            assertEquals(theirs, kafkaRead(mine, v, CreateTopicsResponseData::new), "Kafka decodes ours at v" + v);
        }
    }

    @Test
    void topicConfigErrorCodeIsTheOnlyTagAndIsLeftOutWhenZero() {
        CreateTopicsResponseData theirs = kafkaResponse((short) 7);
        CreateTopicsResponse ours = varveRead(kafkaBytes(theirs, (short) 7), (short) 7, CreateTopicsResponse::read);
        assertEquals(0, ours.topics().get(0).topicConfigErrorCode());
        assertEquals(Errors.TOPIC_AUTHORIZATION_FAILED.code, ours.topics().get(1).topicConfigErrorCode());
        assertNull(ours.topics().get(1).configs(), "null configs stay null, not empty");
    }

    @Test
    void unknownTaggedFieldsAreSkippedAtEveryLevel() {
        CreateTopicsResponseData theirs = kafkaResponse((short) 7);
        CreateTopicsResponse plain = expected(theirs);
        theirs.unknownTaggedFields().add(new RawTaggedField(9, new byte[] {1, 2, 3}));
        theirs.topics().iterator().next().unknownTaggedFields().add(new RawTaggedField(7, new byte[] {4}));
        theirs.topics().iterator().next().configs().get(0).unknownTaggedFields().add(new RawTaggedField(1, new byte[0]));
        assertEquals(plain, varveRead(kafkaBytes(theirs, (short) 7), (short) 7, CreateTopicsResponse::read));

        CreateTopicsRequestData request = kafkaRequest();
        CreateTopicsRequest plainRequest = expected(request);
        request.unknownTaggedFields().add(new RawTaggedField(3, new byte[] {9, 9}));
        request.topics().iterator().next().assignments().iterator().next().unknownTaggedFields()
                .add(new RawTaggedField(0, new byte[] {1}));
        assertEquals(plainRequest, varveRead(kafkaBytes(request, (short) 5), (short) 5, CreateTopicsRequest::read));
    }

    @Test
    void errorResponseFailsEveryTopicOfTheRequest() {
        CreateTopicsRequest request = expected(kafkaRequest());
        CreateTopicsResponse response = request.errorResponse(Errors.NOT_CONTROLLER);
        assertEquals(List.of("orders", "payments"), response.topics().stream().map(t -> t.name()).toList());
        for (CreateTopicsResponse.CreatableTopicResult t : response.topics()) {
            assertEquals(Errors.NOT_CONTROLLER.code, t.errorCode());
            assertEquals(-1, t.numPartitions());
        }
        CreateTopicsResponseData theirs = kafkaRead(varveBytes(response, (short) 7), (short) 7, CreateTopicsResponseData::new);
        assertEquals(Errors.NOT_CONTROLLER.code, theirs.topics().find("payments").errorCode());
    }

    @Test
    void versionsOutsideTheBandAreRefused() {
        CreateTopicsRequest request = expected(kafkaRequest());
        assertThrows(IllegalArgumentException.class, () -> varveBytes(request, (short) 4));
        assertThrows(IllegalArgumentException.class,
                () -> CreateTopicsResponse.read(new ProtocolReader(ByteBuffer.allocate(8)), (short) 8));
    }
}
