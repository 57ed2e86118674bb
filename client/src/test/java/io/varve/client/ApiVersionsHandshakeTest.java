package io.varve.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.generated.ApiVersionsResponse;
import io.varve.protocol.generated.ApiVersionsResponse.ApiVersion;
import io.varve.protocol.generated.ResponseHeader;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The handshake as a pure state machine: answers in, outcomes out. */
class ApiVersionsHandshakeTest {

    private static final List<ApiVersion> BAND_UP_TO_V2 = List.of(
        new ApiVersion(ApiKey.API_VERSIONS.id, (short) 0, (short) 2),
        new ApiVersion(ApiKey.METADATA.id, (short) 0, (short) 12));

    /** A response frame (no size prefix) as a broker writes it: header v0, body at {@code version}. */
    private static ByteBuffer answer(int correlationId, Errors error, List<ApiVersion> band, short version) {
        ProtocolWriter w = new ProtocolWriter();
        new ResponseHeader(correlationId).write(w, (short) 0);
        ApiVersionsResponse.builder().errorCode(error.code).apiKeys(band).build().write(w, version);
        return w.toByteBuffer();
    }

    @Test
    void anAnswerAtOurVersionNegotiatesAtOnce() {
        ApiVersionsHandshake handshake = new ApiVersionsHandshake();
        assertEquals(4, handshake.version());
        handshake.sent(7);

        ApiVersionsHandshake.Outcome outcome = handshake.onResponse(
            answer(7, Errors.NONE, FakeBroker.servedTable(), (short) 4));

        NodeApiVersions versions = assertInstanceOf(ApiVersionsHandshake.Ready.class, outcome).versions();
        assertEquals(ClientApiVersions.maxVersion(ApiKey.FETCH), versions.usableVersion(ApiKey.FETCH));
    }

    @Test
    void unsupportedVersionWithAV0BodyRetriesOnceAtTheBrokersHighest() {
        ApiVersionsHandshake handshake = new ApiVersionsHandshake();
        handshake.sent(0);

        ApiVersionsHandshake.Outcome first = handshake.onResponse(answer(0, Errors.UNSUPPORTED_VERSION, BAND_UP_TO_V2, (short) 0));
        assertEquals(new ApiVersionsHandshake.Retry((short) 2), first);
        assertEquals(2, handshake.version());
        handshake.sent(1);

        ApiVersionsHandshake.Outcome second = handshake.onResponse(answer(1, Errors.NONE, BAND_UP_TO_V2, (short) 2));
        NodeApiVersions versions = assertInstanceOf(ApiVersionsHandshake.Ready.class, second).versions();
        assertEquals(12, versions.usableVersion(ApiKey.METADATA));
    }

    @Test
    void aSecondRejectionFails() {
        ApiVersionsHandshake handshake = new ApiVersionsHandshake();
        handshake.sent(0);
        handshake.onResponse(answer(0, Errors.UNSUPPORTED_VERSION, BAND_UP_TO_V2, (short) 0));
        handshake.sent(1);

        ApiVersionsHandshake.Outcome outcome = handshake.onResponse(answer(1, Errors.UNSUPPORTED_VERSION, BAND_UP_TO_V2, (short) 2));

        assertTrue(assertInstanceOf(ApiVersionsHandshake.Failed.class, outcome).why().contains("UNSUPPORTED_VERSION"));
    }

    @Test
    void aWrongCorrelationIdOrAnErrorFails() {
        ApiVersionsHandshake mismatched = new ApiVersionsHandshake();
        mismatched.sent(3);
        assertInstanceOf(ApiVersionsHandshake.Failed.class, mismatched.onResponse(answer(4, Errors.NONE, BAND_UP_TO_V2, (short) 4)));

        ApiVersionsHandshake failing = new ApiVersionsHandshake();
        failing.sent(0);
        ApiVersionsHandshake.Outcome outcome = failing.onResponse(answer(0, Errors.UNKNOWN_SERVER_ERROR, List.of(), (short) 4));
        assertTrue(assertInstanceOf(ApiVersionsHandshake.Failed.class, outcome).why().contains("UNKNOWN_SERVER_ERROR"));
    }
}
