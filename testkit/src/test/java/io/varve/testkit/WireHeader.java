package io.varve.testkit;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.generated.ApiMessageType;
import io.varve.protocol.generated.RequestHeader;

/**
 * A request header for raw-socket tests, written with the generated codec at the header version the
 * API and version call for (v1, or v2 when the request version is flexible); reads the matching
 * response header (v0, or v1 when flexible; ApiVersions always v0).
 */
public record WireHeader(ApiKey apiKey, short apiVersion, int correlationId, String clientId) {

    public WireHeader(ApiKey apiKey, int apiVersion, int correlationId, String clientId) {
        this(apiKey, (short) apiVersion, correlationId, clientId);
    }

    public void write(ProtocolWriter w) {
        new RequestHeader(apiKey.id, apiVersion, correlationId, clientId)
            .write(w, ApiMessageType.forApiKey(apiKey.id).requestHeaderVersion(apiVersion));
    }

    /** Reads the response header of the answer to this request at {@code version}; returns its correlation id. */
    public int readResponseHeader(ProtocolReader r, short version) {
        int id = r.readInt32();
        if (ApiMessageType.forApiKey(apiKey.id).responseHeaderVersion(version) >= 1) {
            r.skipTaggedFields();
        }
        return id;
    }
}
