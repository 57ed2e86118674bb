package io.varve.client;

import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.message.ApiMessages;
import io.varve.protocol.message.ApiRequest;
import io.varve.protocol.message.ApiResponse;

/**
 * A hand-written request on its way out: sent as it is, its answer read with the hand-written codec,
 * at a version inside the hand-written codec's band ({@link io.varve.protocol.ApiKey}). Transitional:
 * only the broker's replica fetcher still sends these; it goes once that moves to the generated codecs.
 */
final class LegacyRequest implements RequestBuilder {

    private final ApiRequest request;

    LegacyRequest(ApiRequest request) {
        this.request = request;
    }

    @Override
    public GeneratedMessage build(short version) {
        if (!request.apiKey().isVersionSupported(version)) {
            throw new io.varve.protocol.codec.UnsupportedVersionException("the hand-written " + request.apiKey().displayName
                + " codec has no v" + version);
        }
        return new GeneratedMessage() {
            @Override
            public short apiKey() {
                return request.apiKey().id;
            }

            @Override
            public void write(ProtocolWriter writer, short v) {
                request.write(writer, v);
            }
        };
    }

    ApiResponse readResponse(ProtocolReader reader, short version) {
        return ApiMessages.readResponse(request.apiKey(), reader, version);
    }
}
