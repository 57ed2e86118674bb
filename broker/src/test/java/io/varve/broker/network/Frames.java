package io.varve.broker.network;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.ApiVersionsRequest;
import io.varve.protocol.generated.ApiVersionsResponse;
import io.varve.protocol.generated.ApiMessageType;
import java.nio.ByteBuffer;

/** Builds request frames and reads response frames with the project's own codecs. */
final class Frames {

    static final ApiVersionsRequest API_VERSIONS_V3 = new ApiVersionsRequest("varve-test", "1.0");

    private Frames() {
    }

    /** A whole frame, size prefix included. */
    static byte[] request(RequestHeader header, GeneratedMessage body) {
        ProtocolWriter w = new ProtocolWriter();
        writeHeader(w, header);
        if (body != null) {
            // a version past the codec's range (ApiVersions probing) carries the newest body
            ApiMessageType type = ApiMessageType.forApiKey(header.apiKey().id);
            body.write(w, (short) Math.min(header.apiVersion(), type.highestVersion));
        }
        return withPrefix(w.toByteBuffer());
    }

    static byte[] apiVersions(int correlationId, short version) {
        return request(new RequestHeader(ApiKey.API_VERSIONS, version, correlationId, "client-" + correlationId),
            API_VERSIONS_V3);
    }

    /** A frame of a header followed by raw body bytes. */
    static byte[] rawBody(RequestHeader header, byte[] body) {
        ProtocolWriter w = new ProtocolWriter();
        writeHeader(w, header);
        ByteBuffer head = w.toByteBuffer();
        ByteBuffer all = ByteBuffer.allocate(head.remaining() + body.length).put(head).put(body).flip();
        return withPrefix(all);
    }

    /** Writes a request header (v1, or v2 for a flexible version) with the generated codec. */
    static void writeHeader(ProtocolWriter w, RequestHeader header) {
        ApiMessageType type = ApiMessageType.forApiKey(header.apiKey().id);
        new io.varve.protocol.generated.RequestHeader(header.apiKey().id, header.apiVersion(), header.correlationId(),
            header.clientId()).write(w, type.requestHeaderVersion(header.apiVersion()));
    }

    /** A frame whose header is written by hand: api key, version, correlation id, null client id. */
    static byte[] rawHeader(short apiKey, short version, int correlationId) {
        ByteBuffer b = ByteBuffer.allocate(4 + 10);
        b.putInt(10).putShort(apiKey).putShort(version).putInt(correlationId).putShort((short) -1);
        return b.array();
    }

    static byte[] withPrefix(ByteBuffer body) {
        ByteBuffer out = ByteBuffer.allocate(4 + body.remaining());
        out.putInt(body.remaining()).put(body);
        return out.array();
    }

    /** A decoded ApiVersions response frame body (without prefix). */
    record ApiVersionsAnswer(int correlationId, ApiVersionsResponse response) {
    }

    static ApiVersionsAnswer readApiVersions(ByteBuffer frameBody, short version) {
        ProtocolReader r = new ProtocolReader(frameBody);
        int correlationId = r.readInt32(); // ApiVersions: response header v0 always
        ApiVersionsResponse response = ApiVersionsResponse.read(r, version);
        r.expectEnd();
        return new ApiVersionsAnswer(correlationId, response);
    }
}
