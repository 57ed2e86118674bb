package io.varve.protocol.message;

import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaRead;
import static io.varve.protocol.message.KafkaCodecOracle.varveBytes;
import static io.varve.protocol.message.KafkaCodecOracle.varveRead;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.junit.jupiter.api.Test;

class ApiVersionsCodecTest {

    @Test
    void requestRoundTripsWithKafkaAtEveryAdvertisedVersion() {
        for (short v = ApiKey.API_VERSIONS.minVersion; v <= ApiKey.API_VERSIONS.maxVersion; v++) {
            ApiVersionsRequestData theirs = new ApiVersionsRequestData()
                    .setClientSoftwareName(v >= 3 ? "apache-kafka-java" : "")
                    .setClientSoftwareVersion(v >= 3 ? "4.3.1" : "");
            ApiVersionsRequest ours = varveRead(kafkaBytes(theirs, v), v, ApiVersionsRequest::read);
            assertEquals(theirs.clientSoftwareName(), ours.clientSoftwareName());
            assertEquals(theirs.clientSoftwareVersion(), ours.clientSoftwareVersion());
            assertEquals(theirs, kafkaRead(varveBytes(ours, v), v, ApiVersionsRequestData::new), "v" + v);
        }
    }

    @Test
    void responseRoundTripsWithKafkaAtEveryAdvertisedVersion() {
        for (short v = ApiKey.API_VERSIONS.minVersion; v <= ApiKey.API_VERSIONS.maxVersion; v++) {
            ApiVersionsResponse ours = new ApiVersionsResponse(Errors.NONE.code,
                    ApiVersionsResponse.of(Errors.NONE, List.of()).apiKeys(), v >= 1 ? 17 : 0,
                    v >= 3 ? List.of(new ApiVersionsResponse.SupportedFeature("metadata.version", (short) 7, (short) 27))
                            : List.of(),
                    v >= 3 ? 42L : -1L,
                    v >= 3 ? List.of(new ApiVersionsResponse.FinalizedFeature("metadata.version", (short) 27, (short) 27))
                            : List.of());
            ByteBuffer bytes = varveBytes(ours, v);
            ApiVersionsResponseData theirs = kafkaRead(bytes, v, ApiVersionsResponseData::new);
            assertEquals(ours.apiKeys().size(), theirs.apiKeys().size());
            assertEquals(ours.throttleTimeMs(), theirs.throttleTimeMs());
            assertEquals(ours, varveRead(kafkaBytes(theirs, v), v, ApiVersionsResponse::read), "v" + v);
            assertEquals(bytes, kafkaBytes(theirs, v), "byte-identical at v" + v);
        }
    }

    @Test
    void unknownTaggedFieldsAreSkipped() {
        ApiVersionsResponseData theirs = new ApiVersionsResponseData().setErrorCode((short) 0).setZkMigrationReady(true);
        ApiVersionsResponse ours = varveRead(kafkaBytes(theirs, (short) 3), (short) 3, ApiVersionsResponse::read);
        assertEquals(0, ours.errorCode());
    }
}
