package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;

/**
 * Response header v0 ({@code correlation_id int32}) and v1 (plus tagged fields). Flexible versions
 * use v1, except ApiVersions, whose response header is always v0 so that a client that does not yet
 * know the broker's versions can read it.
 */
public final class ResponseHeader {

    private ResponseHeader() {
    }

    public static void write(ProtocolWriter writer, ApiKey apiKey, short apiVersion, int correlationId) {
        writer.writeInt32(correlationId);
        if (apiKey.responseHeaderVersion(apiVersion) >= 1) {
            writer.writeEmptyTaggedFields();
        }
    }

    /** Reads a response header and returns the correlation id. */
    public static int read(ProtocolReader reader, ApiKey apiKey, short apiVersion) {
        int correlationId = reader.readInt32();
        if (apiKey.responseHeaderVersion(apiVersion) >= 1) {
            reader.skipTaggedFields();
        }
        return correlationId;
    }
}
