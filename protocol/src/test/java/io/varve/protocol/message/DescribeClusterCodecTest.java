package io.varve.protocol.message;

import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaRead;
import static io.varve.protocol.message.KafkaCodecOracle.varveBytes;
import static io.varve.protocol.message.KafkaCodecOracle.varveRead;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;

class DescribeClusterCodecTest {

    private static final ApiKey KEY = ApiKey.DESCRIBE_CLUSTER;

    /** EndpointType exists from v1 (default 1), IncludeFencedBrokers from v2 (default false). */
    static DescribeClusterRequestData kafkaRequest(short version) {
        return new DescribeClusterRequestData().setIncludeClusterAuthorizedOperations(true)
                .setEndpointType(version >= 1 ? (byte) 2 : (byte) 1).setIncludeFencedBrokers(version >= 2);
    }

    static DescribeClusterRequest expected(DescribeClusterRequestData theirs) {
        return new DescribeClusterRequest(theirs.includeClusterAuthorizedOperations(), theirs.endpointType(),
                theirs.includeFencedBrokers());
    }

    static DescribeClusterResponseData kafkaResponse(short version) {
        DescribeClusterResponseData data = new DescribeClusterResponseData().setThrottleTimeMs(8)
                .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code).setErrorMessage("not allowed")
                .setEndpointType(version >= 1 ? (byte) 2 : (byte) 1).setClusterId("vQ3bm4uZTNqyWvXWc0r2hA")
                .setControllerId(3).setClusterAuthorizedOperations(0b1010_0000);
        data.brokers().add(new DescribeClusterBroker().setBrokerId(1).setHost("b1.example").setPort(9092)
                .setRack("eu-west-1a").setIsFenced(version >= 2));
        data.brokers().add(new DescribeClusterBroker().setBrokerId(2).setHost("b2.example").setPort(19092).setRack(null));
        return data;
    }

    static DescribeClusterResponse expected(DescribeClusterResponseData theirs) {
        List<DescribeClusterResponse.DescribeClusterBroker> brokers = new ArrayList<>();
        for (DescribeClusterBroker b : theirs.brokers()) {
            brokers.add(new DescribeClusterResponse.DescribeClusterBroker(b.brokerId(), b.host(), b.port(), b.rack(),
                    b.isFenced()));
        }
        return new DescribeClusterResponse(theirs.throttleTimeMs(), theirs.errorCode(), theirs.errorMessage(),
                theirs.endpointType(), theirs.clusterId(), theirs.controllerId(), brokers,
                theirs.clusterAuthorizedOperations());
    }

    @Test
    void requestRoundTripsWithKafkaAtEveryAdvertisedVersion() {
        for (short v = KEY.minVersion; v <= KEY.maxVersion; v++) {
            DescribeClusterRequestData theirs = kafkaRequest(v);
            ByteBuffer kafka = kafkaBytes(theirs, v);
            DescribeClusterRequest ours = varveRead(kafka, v, DescribeClusterRequest::read);
            assertEquals(expected(theirs), ours, "decoded v" + v);
            ByteBuffer mine = varveBytes(ours, v);
            assertEquals(kafka, mine, "byte-identical at v" + v);
            assertEquals(theirs, kafkaRead(mine, v, DescribeClusterRequestData::new), "Kafka decodes ours at v" + v);
        }
    }

    @Test
    void responseRoundTripsWithKafkaAtEveryAdvertisedVersion() {
        for (short v = KEY.minVersion; v <= KEY.maxVersion; v++) {
            DescribeClusterResponseData theirs = kafkaResponse(v);
            ByteBuffer kafka = kafkaBytes(theirs, v);
            DescribeClusterResponse ours = varveRead(kafka, v, DescribeClusterResponse::read);
            assertEquals(expected(theirs), ours, "decoded v" + v);
            ByteBuffer mine = varveBytes(ours, v);
            assertEquals(kafka, mine, "byte-identical at v" + v);
            assertEquals(theirs, kafkaRead(mine, v, DescribeClusterResponseData::new), "Kafka decodes ours at v" + v);
        }
    }

    @Test
    void unknownTaggedFieldsAreSkipped() {
        DescribeClusterResponseData theirs = kafkaResponse((short) 2);
        DescribeClusterResponse plain = expected(theirs);
        theirs.unknownTaggedFields().add(new RawTaggedField(0, new byte[] {1, 2, 3}));
        theirs.brokers().iterator().next().unknownTaggedFields().add(new RawTaggedField(6, new byte[] {4}));
        assertEquals(plain, varveRead(kafkaBytes(theirs, (short) 2), (short) 2, DescribeClusterResponse::read));
    }

    @Test
    void errorResponseCarriesTheErrorAndTheAskedEndpointType() {
        DescribeClusterResponse response = expected(kafkaRequest((short) 2)).errorResponse(Errors.UNSUPPORTED_VERSION);
        assertEquals(Errors.UNSUPPORTED_VERSION.code, response.errorCode());
        assertEquals(DescribeClusterRequest.ENDPOINT_TYPE_CONTROLLERS, response.endpointType());
        assertEquals(List.of(), response.brokers());
        DescribeClusterResponseData theirs = kafkaRead(varveBytes(response, (short) 2), (short) 2,
                DescribeClusterResponseData::new);
        assertEquals(new DescribeClusterResponseData().clusterAuthorizedOperations(), theirs.clusterAuthorizedOperations());
    }
}
