package io.varve.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.generated.ApiMessageType;
import io.varve.protocol.generated.FindCoordinatorRequest;
import io.varve.protocol.generated.FindCoordinatorResponse;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.OffsetFetchRequest;
import io.varve.protocol.generated.OffsetFetchResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kafka's error answer exists for every served API and encodes at every served version. */
class ErrorResponsesTest {

    @Test
    void everyServedVersionOfEveryApiHasAnErrorAnswerThatEncodesAndReadsBack() throws Exception {
        int checked = 0;
        for (ApiKey key : ApiKey.values()) {
            ApiMessageType type = ApiMessageType.forApiKey(key.id);
            Object builder = type.requestClass.getMethod("builder").invoke(null);
            GeneratedMessage request = (GeneratedMessage) builder.getClass().getMethod("build").invoke(builder);
            for (short v = key.servedMinVersion; v <= key.servedMaxVersion; v++) {
                GeneratedMessage response = ErrorResponses.of(request, v, Errors.NOT_COORDINATOR);
                assertEquals(key.id, response.apiKey(), key + " v" + v);
                ProtocolWriter w = new ProtocolWriter();
                response.write(w, v); // throws when a field the version lacks is set
                ProtocolReader r = new ProtocolReader(w.toByteBuffer());
                ApiMessageType.readResponse(key.id, r, v);
                r.expectEnd();
                checked++;
            }
        }
        assertEquals(154, checked, "(API, served version) pairs");
    }

    @Test
    void findCoordinatorAnswersTheSingleKeyAtTopLevelBeforeV4AndPerKeyFrom() {
        FindCoordinatorRequest request = FindCoordinatorRequest.builder().key("g").coordinatorKeys(List.of("a", "b"))
            .build();
        FindCoordinatorResponse v3 = (FindCoordinatorResponse) ErrorResponses.of(request, (short) 3, Errors.NOT_COORDINATOR);
        assertEquals(Errors.NOT_COORDINATOR.code, v3.errorCode());
        assertTrue(v3.coordinators().isEmpty());
        FindCoordinatorResponse v4 = (FindCoordinatorResponse) ErrorResponses.of(request, (short) 4, Errors.NOT_COORDINATOR);
        assertEquals(2, v4.coordinators().size());
        assertEquals(Errors.NOT_COORDINATOR.code, v4.coordinators().get(1).errorCode());
    }

    @Test
    void offsetFetchPutsTheErrorAtTopLevelFromV2OnPartitionsBeforeV8AndPerGroupFromV8() {
        OffsetFetchRequest request = new OffsetFetchRequest("g", List.of(
            new OffsetFetchRequest.OffsetFetchRequestTopic("t", List.of(0, 1))), List.of(
            new OffsetFetchRequest.OffsetFetchRequestGroup("g", null, -1, null)), false);
        OffsetFetchResponse v1 = (OffsetFetchResponse) ErrorResponses.of(request, (short) 1, Errors.NOT_COORDINATOR);
        assertEquals(0, v1.errorCode(), "v1 has no top-level error");
        assertEquals(Errors.NOT_COORDINATOR.code, v1.topics().get(0).partitions().get(1).errorCode());
        OffsetFetchResponse v2 = (OffsetFetchResponse) ErrorResponses.of(request, (short) 2, Errors.NOT_COORDINATOR);
        assertEquals(Errors.NOT_COORDINATOR.code, v2.errorCode());
        OffsetFetchResponse v8 = (OffsetFetchResponse) ErrorResponses.of(request, (short) 8, Errors.NOT_COORDINATOR);
        assertEquals(Errors.NOT_COORDINATOR.code, v8.groups().get(0).errorCode());
    }
}
