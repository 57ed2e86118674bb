package io.varve.protocol.message;

import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaRead;
import static io.varve.protocol.message.KafkaCodecOracle.varveBytes;
import static io.varve.protocol.message.KafkaCodecOracle.varveRead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;

class CreatePartitionsCodecTest {

    private static final ApiKey KEY = ApiKey.CREATE_PARTITIONS;

    static CreatePartitionsRequestData kafkaRequest() {
        CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(999).setValidateOnly(true);
        data.topics().add(new CreatePartitionsTopic().setName("orders").setCount(6).setAssignments(List.of(
                new CreatePartitionsAssignment().setBrokerIds(List.of(1, 2)),
                new CreatePartitionsAssignment().setBrokerIds(List.of(2, 3)))));
        data.topics().add(new CreatePartitionsTopic().setName("payments").setCount(24).setAssignments(null));
        return data;
    }

    static CreatePartitionsRequest expected(CreatePartitionsRequestData theirs) {
        List<CreatePartitionsRequest.CreatePartitionsTopic> topics = new ArrayList<>();
        for (CreatePartitionsTopic t : theirs.topics()) {
            List<CreatePartitionsRequest.CreatePartitionsAssignment> assignments = null;
            if (t.assignments() != null) {
                assignments = new ArrayList<>();
                for (CreatePartitionsAssignment a : t.assignments()) {
                    assignments.add(new CreatePartitionsRequest.CreatePartitionsAssignment(a.brokerIds()));
                }
            }
            topics.add(new CreatePartitionsRequest.CreatePartitionsTopic(t.name(), t.count(), assignments));
        }
        return new CreatePartitionsRequest(topics, theirs.timeoutMs(), theirs.validateOnly());
    }

    static CreatePartitionsResponseData kafkaResponse() {
        return new CreatePartitionsResponseData().setThrottleTimeMs(31).setResults(List.of(
                new CreatePartitionsTopicResult().setName("orders").setErrorCode((short) 0).setErrorMessage(null),
                new CreatePartitionsTopicResult().setName("payments").setErrorCode(Errors.INVALID_PARTITIONS.code)
                        .setErrorMessage("Topic currently has 24 partitions")));
    }

    static CreatePartitionsResponse expected(CreatePartitionsResponseData theirs) {
        List<CreatePartitionsResponse.CreatePartitionsTopicResult> results = new ArrayList<>();
        for (CreatePartitionsTopicResult t : theirs.results()) {
            results.add(new CreatePartitionsResponse.CreatePartitionsTopicResult(t.name(), t.errorCode(), t.errorMessage()));
        }
        return new CreatePartitionsResponse(theirs.throttleTimeMs(), results);
    }

    @Test
    void requestRoundTripsWithKafkaAtEveryAdvertisedVersion() {
        for (short v = KEY.minVersion; v <= KEY.maxVersion; v++) {
            CreatePartitionsRequestData theirs = kafkaRequest();
            ByteBuffer kafka = kafkaBytes(theirs, v);
            CreatePartitionsRequest ours = varveRead(kafka, v, CreatePartitionsRequest::read);
            assertEquals(expected(theirs), ours, "decoded v" + v);
            assertNull(ours.topics().get(1).assignments(), "null assignments stay null");
            ByteBuffer mine = varveBytes(ours, v);
            assertEquals(kafka, mine, "byte-identical at v" + v);
            assertEquals(theirs, kafkaRead(mine, v, CreatePartitionsRequestData::new), "Kafka decodes ours at v" + v);
        }
    }

    @Test
    void responseRoundTripsWithKafkaAtEveryAdvertisedVersion() {
        for (short v = KEY.minVersion; v <= KEY.maxVersion; v++) {
            CreatePartitionsResponseData theirs = kafkaResponse();
            ByteBuffer kafka = kafkaBytes(theirs, v);
            CreatePartitionsResponse ours = varveRead(kafka, v, CreatePartitionsResponse::read);
            assertEquals(expected(theirs), ours, "decoded v" + v);
            ByteBuffer mine = varveBytes(ours, v);
            assertEquals(kafka, mine, "byte-identical at v" + v);
            assertEquals(theirs, kafkaRead(mine, v, CreatePartitionsResponseData::new), "Kafka decodes ours at v" + v);
        }
    }

    @Test
    void unknownTaggedFieldsAreSkipped() {
        CreatePartitionsRequestData theirs = kafkaRequest();
        CreatePartitionsRequest plain = expected(theirs);
        theirs.unknownTaggedFields().add(new RawTaggedField(11, new byte[] {1}));
        theirs.topics().iterator().next().assignments().get(1).unknownTaggedFields()
                .add(new RawTaggedField(0, new byte[] {1, 2, 3, 4}));
        assertEquals(plain, varveRead(kafkaBytes(theirs, (short) 3), (short) 3, CreatePartitionsRequest::read));
    }

    @Test
    void errorResponseFailsEveryTopic() {
        CreatePartitionsResponse response = expected(kafkaRequest()).errorResponse(Errors.NOT_CONTROLLER);
        assertEquals(List.of("orders", "payments"), response.results().stream().map(r -> r.name()).toList());
        response.results().forEach(r -> assertEquals(Errors.NOT_CONTROLLER.code, r.errorCode()));
    }
}
