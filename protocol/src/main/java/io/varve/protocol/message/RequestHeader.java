package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;

/**
 * Request header v1 and v2.
 *
 * <pre>
 *  api_key int16 | api_version int16 | correlation_id int32 | client_id nullable string (int16 length)
 *  v2 only: tagged fields
 * </pre>
 * The header version follows from the API and its version: v2 for flexible versions, else v1.
 * The client id keeps the classic encoding even in v2.
 *
 * @param apiKey        the API, never null: a header naming an API Varve does not serve is malformed
 * @param apiVersion    as sent; it may lie outside the supported band (the dispatcher answers that)
 */
public record RequestHeader(ApiKey apiKey, short apiVersion, int correlationId, String clientId) {

    /** Reads a header; throws {@link MalformedMessageException} for an unknown API key. */
    public static RequestHeader read(ProtocolReader reader) {
        short key = reader.readInt16();
        short version = reader.readInt16();
        int correlationId = reader.readInt32();
        ApiKey apiKey = ApiKey.forId(key);
        if (apiKey == null) {
            throw new UnknownApiException(key, correlationId);
        }
        String clientId = reader.readNullableString(false);
        if (apiKey.requestHeaderVersion(version) >= 2) {
            reader.skipTaggedFields();
        }
        return new RequestHeader(apiKey, version, correlationId, clientId);
    }

    public void write(ProtocolWriter writer) {
        writer.writeInt16(apiKey.id).writeInt16(apiVersion).writeInt32(correlationId)
                .writeNullableString(clientId, false);
        if (apiKey.requestHeaderVersion(apiVersion) >= 2) {
            writer.writeEmptyTaggedFields();
        }
    }

    /** A request for an API key Varve does not serve: the broker closes the connection (as Kafka does). */
    public static final class UnknownApiException extends MalformedMessageException {
        private static final long serialVersionUID = 1L;

        public final short apiKey;
        public final int correlationId;

        UnknownApiException(short apiKey, int correlationId) {
            super("unknown API key " + apiKey);
            this.apiKey = apiKey;
            this.correlationId = correlationId;
        }
    }
}
