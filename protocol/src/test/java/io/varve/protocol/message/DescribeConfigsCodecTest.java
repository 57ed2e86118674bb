package io.varve.protocol.message;

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
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;

class DescribeConfigsCodecTest {

    private static final ApiKey KEY = ApiKey.DESCRIBE_CONFIGS;
    private static final byte TOPIC = 2;
    private static final byte BROKER = 4;

    static DescribeConfigsRequestData kafkaRequest() {
        return new DescribeConfigsRequestData().setIncludeSynonyms(true).setIncludeDocumentation(true).setResources(List.of(
                new DescribeConfigsResource().setResourceType(TOPIC).setResourceName("orders")
                        .setConfigurationKeys(List.of("retention.ms", "cleanup.policy")),
                new DescribeConfigsResource().setResourceType(BROKER).setResourceName("1").setConfigurationKeys(null)));
    }

    static DescribeConfigsRequest expected(DescribeConfigsRequestData theirs) {
        List<DescribeConfigsRequest.DescribeConfigsResource> resources = new ArrayList<>();
        for (DescribeConfigsResource r : theirs.resources()) {
            resources.add(new DescribeConfigsRequest.DescribeConfigsResource(r.resourceType(), r.resourceName(),
                    r.configurationKeys()));
        }
        return new DescribeConfigsRequest(resources, theirs.includeSynonyms(), theirs.includeDocumentation());
    }

    static DescribeConfigsResponseData kafkaResponse() {
        DescribeConfigsResourceResult retention = new DescribeConfigsResourceResult().setName("retention.ms")
                .setValue("86400000").setReadOnly(false).setConfigSource((byte) 1).setIsSensitive(false)
                .setConfigType((byte) 5).setDocumentation("How long to keep a log segment.")
                .setSynonyms(List.of(
                        new DescribeConfigsSynonym().setName("retention.ms").setValue("86400000").setSource((byte) 1),
                        new DescribeConfigsSynonym().setName("log.retention.hours").setValue(null).setSource((byte) 5)));
        DescribeConfigsResourceResult secret = new DescribeConfigsResourceResult().setName("ssl.key.password")
                .setValue(null).setReadOnly(true).setConfigSource((byte) 4).setIsSensitive(true)
                .setConfigType((byte) 9).setDocumentation(null);
        return new DescribeConfigsResponseData().setThrottleTimeMs(3).setResults(List.of(
                new DescribeConfigsResult().setErrorCode((short) 0).setErrorMessage(null).setResourceType(TOPIC)
                        .setResourceName("orders").setConfigs(List.of(retention, secret)),
                new DescribeConfigsResult().setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code)
                        .setErrorMessage("no such topic").setResourceType(TOPIC).setResourceName("gone")));
    }

    static DescribeConfigsResponse expected(DescribeConfigsResponseData theirs) {
        List<DescribeConfigsResponse.DescribeConfigsResult> results = new ArrayList<>();
        for (DescribeConfigsResult r : theirs.results()) {
            List<DescribeConfigsResponse.DescribeConfigsResourceResult> configs = new ArrayList<>();
            for (DescribeConfigsResourceResult c : r.configs()) {
                List<DescribeConfigsResponse.DescribeConfigsSynonym> synonyms = new ArrayList<>();
                for (DescribeConfigsSynonym s : c.synonyms()) {
                    synonyms.add(new DescribeConfigsResponse.DescribeConfigsSynonym(s.name(), s.value(), s.source()));
                }
                configs.add(new DescribeConfigsResponse.DescribeConfigsResourceResult(c.name(), c.value(), c.readOnly(),
                        c.configSource(), c.isSensitive(), synonyms, c.configType(), c.documentation()));
            }
            results.add(new DescribeConfigsResponse.DescribeConfigsResult(r.errorCode(), r.errorMessage(),
                    r.resourceType(), r.resourceName(), configs));
        }
        return new DescribeConfigsResponse(theirs.throttleTimeMs(), results);
    }

    @Test
    void requestRoundTripsWithKafkaAtEveryAdvertisedVersion() {
        for (short v = KEY.minVersion; v <= KEY.maxVersion; v++) {
            DescribeConfigsRequestData theirs = kafkaRequest();
            ByteBuffer kafka = kafkaBytes(theirs, v);
            DescribeConfigsRequest ours = varveRead(kafka, v, DescribeConfigsRequest::read);
            assertEquals(expected(theirs), ours, "decoded v" + v);
            ByteBuffer mine = varveBytes(ours, v);
            assertEquals(kafka, mine, "byte-identical at v" + v);
            assertEquals(theirs, kafkaRead(mine, v, DescribeConfigsRequestData::new), "Kafka decodes ours at v" + v);
        }
    }

    @Test
    void responseRoundTripsWithKafkaAtEveryAdvertisedVersion() {
        for (short v = KEY.minVersion; v <= KEY.maxVersion; v++) {
            DescribeConfigsResponseData theirs = kafkaResponse();
            ByteBuffer kafka = kafkaBytes(theirs, v);
            DescribeConfigsResponse ours = varveRead(kafka, v, DescribeConfigsResponse::read);
            assertEquals(expected(theirs), ours, "decoded v" + v);
            ByteBuffer mine = varveBytes(ours, v);
            assertEquals(kafka, mine, "byte-identical at v" + v);
            assertEquals(theirs, kafkaRead(mine, v, DescribeConfigsResponseData::new), "Kafka decodes ours at v" + v);
        }
    }

    @Test
    void unknownTaggedFieldsAreSkippedAtEveryLevel() {
        DescribeConfigsResponseData theirs = kafkaResponse();
        DescribeConfigsResponse plain = expected(theirs);
        theirs.unknownTaggedFields().add(new RawTaggedField(1, new byte[] {1}));
        DescribeConfigsResourceResult retention = theirs.results().get(0).configs().get(0);
        retention.unknownTaggedFields().add(new RawTaggedField(2, new byte[] {2, 2}));
        retention.synonyms().get(1).unknownTaggedFields().add(new RawTaggedField(3, new byte[] {3, 3, 3}));
        assertEquals(plain, varveRead(kafkaBytes(theirs, (short) 4), (short) 4, DescribeConfigsResponse::read));
    }

    @Test
    void errorResponseFailsEveryResource() {
        DescribeConfigsResponse response = expected(kafkaRequest()).errorResponse(Errors.INVALID_REQUEST);
        assertEquals(List.of("orders", "1"), response.results().stream().map(r -> r.resourceName()).toList());
        assertEquals(List.of(TOPIC, BROKER), response.results().stream().map(r -> r.resourceType()).toList());
        response.results().forEach(r -> assertEquals(Errors.INVALID_REQUEST.code, r.errorCode()));
    }

    @Test
    void onlyVersionFourIsSpoken() {
        DescribeConfigsRequest request = expected(kafkaRequest());
        assertThrows(IllegalArgumentException.class, () -> varveBytes(request, (short) 3));
        assertThrows(IllegalArgumentException.class, () -> varveBytes(request, (short) 5));
    }
}
