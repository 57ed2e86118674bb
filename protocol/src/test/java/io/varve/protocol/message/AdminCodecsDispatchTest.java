package io.varve.protocol.message;

import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Message;
import org.junit.jupiter.api.Test;

/** {@link ApiMessages} routes each admin API key to its codec and insists on consuming the whole frame. */
class AdminCodecsDispatchTest {

    @Test
    void requestsAreDecodedByTheCodecOfTheirKey() {
        assertRequest(ApiKey.CREATE_TOPICS, CreateTopicsCodecTest.kafkaRequest(),
                CreateTopicsCodecTest.expected(CreateTopicsCodecTest.kafkaRequest()));
        assertRequest(ApiKey.DELETE_TOPICS, DeleteTopicsCodecTest.kafkaRequest(ApiKey.DELETE_TOPICS.maxVersion),
                DeleteTopicsCodecTest.expected(DeleteTopicsCodecTest.kafkaRequest(ApiKey.DELETE_TOPICS.maxVersion),
                        ApiKey.DELETE_TOPICS.maxVersion));
        assertRequest(ApiKey.CREATE_PARTITIONS, CreatePartitionsCodecTest.kafkaRequest(),
                CreatePartitionsCodecTest.expected(CreatePartitionsCodecTest.kafkaRequest()));
        assertRequest(ApiKey.INIT_PRODUCER_ID, InitProducerIdCodecTest.kafkaRequest((short) 5, "t"),
                InitProducerIdCodecTest.expected(InitProducerIdCodecTest.kafkaRequest((short) 5, "t")));
        assertRequest(ApiKey.DESCRIBE_CLUSTER, DescribeClusterCodecTest.kafkaRequest((short) 2),
                DescribeClusterCodecTest.expected(DescribeClusterCodecTest.kafkaRequest((short) 2)));
        assertRequest(ApiKey.DESCRIBE_CONFIGS, DescribeConfigsCodecTest.kafkaRequest(),
                DescribeConfigsCodecTest.expected(DescribeConfigsCodecTest.kafkaRequest()));
    }

    @Test
    void responsesAreDecodedByTheCodecOfTheirKey() {
        short v = ApiKey.CREATE_TOPICS.maxVersion;
        assertResponse(ApiKey.CREATE_TOPICS, CreateTopicsCodecTest.kafkaResponse(v),
                CreateTopicsCodecTest.expected(CreateTopicsCodecTest.kafkaResponse(v)));
        v = ApiKey.DELETE_TOPICS.maxVersion;
        assertResponse(ApiKey.DELETE_TOPICS, DeleteTopicsCodecTest.kafkaResponse(v),
                DeleteTopicsCodecTest.expected(DeleteTopicsCodecTest.kafkaResponse(v)));
        assertResponse(ApiKey.CREATE_PARTITIONS, CreatePartitionsCodecTest.kafkaResponse(),
                CreatePartitionsCodecTest.expected(CreatePartitionsCodecTest.kafkaResponse()));
        InitProducerIdResponseData producer = new InitProducerIdResponseData().setProducerId(7).setProducerEpoch((short) 1);
        assertResponse(ApiKey.INIT_PRODUCER_ID, producer, InitProducerIdCodecTest.expected(producer));
        v = ApiKey.DESCRIBE_CLUSTER.maxVersion;
        assertResponse(ApiKey.DESCRIBE_CLUSTER, DescribeClusterCodecTest.kafkaResponse(v),
                DescribeClusterCodecTest.expected(DescribeClusterCodecTest.kafkaResponse(v)));
        assertResponse(ApiKey.DESCRIBE_CONFIGS, DescribeConfigsCodecTest.kafkaResponse(),
                DescribeConfigsCodecTest.expected(DescribeConfigsCodecTest.kafkaResponse()));
    }

    @Test
    void trailingBytesAfterABodyAreMalformed() {
        ByteBuffer body = kafkaBytes(DescribeClusterCodecTest.kafkaRequest((short) 1), (short) 1);
        ByteBuffer padded = ByteBuffer.allocate(body.remaining() + 1).put(body).put((byte) 0).flip();
        assertThrows(MalformedMessageException.class,
                () -> ApiMessages.readRequest(ApiKey.DESCRIBE_CLUSTER, new ProtocolReader(padded), (short) 1));
    }

    @Test
    void aTruncatedBodyIsMalformed() {
        ByteBuffer body = kafkaBytes(CreateTopicsCodecTest.kafkaRequest(), (short) 6);
        for (int cut = 0; cut < body.remaining(); cut++) {
            ByteBuffer truncated = body.duplicate().limit(cut);
            assertThrows(MalformedMessageException.class,
                    () -> ApiMessages.readRequest(ApiKey.CREATE_TOPICS, new ProtocolReader(truncated), (short) 6),
                    "cut at " + cut);
        }
    }

    private static void assertRequest(ApiKey key, Message theirs, ApiRequest expected) {
        ApiRequest ours = ApiMessages.readRequest(key, new ProtocolReader(kafkaBytes(theirs, key.maxVersion)), key.maxVersion);
        assertEquals(expected, ours);
        assertEquals(key, ours.apiKey());
    }

    private static void assertResponse(ApiKey key, Message theirs, ApiResponse expected) {
        ApiResponse ours = ApiMessages.readResponse(key, new ProtocolReader(kafkaBytes(theirs, key.maxVersion)), key.maxVersion);
        assertEquals(expected, ours);
        assertEquals(key, ours.apiKey());
    }
}
