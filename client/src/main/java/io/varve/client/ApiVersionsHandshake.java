package io.varve.client;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.generated.ApiVersionsResponse;
import io.varve.protocol.generated.ResponseHeader;
import java.nio.ByteBuffer;

/**
 * The ApiVersions exchange that opens every connection, as a small state machine without I/O: it
 * says which version to ask at and what to make of each answer. It asks at our highest version; a
 * broker that does not know that version answers UNSUPPORTED_VERSION with a v0 body listing its own
 * band (the response header of ApiVersions is always v0, so the answer is readable whatever was
 * asked), and the handshake asks once more at the highest version both know. At most two requests.
 *
 * <p>Not thread-safe; one per connection attempt, used on the I/O thread.
 */
final class ApiVersionsHandshake {

    /** What to do with an answer. */
    sealed interface Outcome permits Ready, Retry, Failed {
    }

    /** The versions are negotiated; the connection is ready. */
    record Ready(NodeApiVersions versions) implements Outcome {
    }

    /** Ask again at {@code version}. */
    record Retry(short version) implements Outcome {
    }

    /** The broker cannot be used; {@code why} says what went wrong. */
    record Failed(String why) implements Outcome {
    }

    private short version = ClientApiVersions.maxVersion(ApiKey.API_VERSIONS);
    private int correlationId = -1;
    private boolean fellBack;

    /** The version of the next request. */
    short version() {
        return version;
    }

    /** Records the correlation id of the request just sent, to check the answer against. */
    void sent(int correlationId) {
        this.correlationId = correlationId;
    }

    /**
     * Reads an answer (the frame without its size prefix).
     *
     * @throws io.varve.protocol.codec.MalformedMessageException when the frame cannot be decoded
     */
    Outcome onResponse(ByteBuffer frame) {
        ProtocolReader reader = new ProtocolReader(frame);
        int answered = ResponseHeader.read(reader, (short) 0).correlationId();
        if (answered != correlationId) {
            return new Failed("ApiVersions answered with correlation id " + answered + ", expected " + correlationId);
        }
        ByteBuffer body = frame.slice(frame.position() + reader.position(), reader.remaining());
        short errorCode = body.remaining() >= 2 ? body.getShort(0) : Errors.NONE.code;
        if (errorCode == Errors.UNSUPPORTED_VERSION.code && !fellBack) {
            return fallBack(read(body, (short) 0));
        }
        ApiVersionsResponse response = read(body, version);
        if (response.errorCode() != Errors.NONE.code) {
            return new Failed("ApiVersions v" + version + " failed with " + Errors.forCode(response.errorCode()));
        }
        return new Ready(NodeApiVersions.negotiate(response.apiKeys()));
    }

    private Outcome fallBack(ApiVersionsResponse v0) {
        short brokerMax = -1;
        for (ApiVersionsResponse.ApiVersion v : v0.apiKeys()) {
            if (v.apiKey() == ApiKey.API_VERSIONS.id) {
                brokerMax = v.maxVersion();
            }
        }
        short retry = (short) Math.min(ClientApiVersions.maxVersion(ApiKey.API_VERSIONS), brokerMax);
        if (retry < ClientApiVersions.minVersion(ApiKey.API_VERSIONS) || retry >= version) {
            return new Failed("broker rejected ApiVersions v" + version + " and offers no lower version");
        }
        fellBack = true;
        version = retry;
        return new Retry(retry);
    }

    private static ApiVersionsResponse read(ByteBuffer body, short version) {
        return ApiVersionsResponse.read(new ProtocolReader(body), version);
    }
}
