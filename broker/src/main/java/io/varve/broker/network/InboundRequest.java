package io.varve.broker.network;

import io.netty.buffer.ByteBuf;
import io.varve.protocol.generated.GeneratedMessage;

/**
 * What the {@link RequestDecoder} hands the {@link RequestDispatcher}: a decoded request together with
 * the frame it was read from (which the dispatcher releases after the handler returns), or a request
 * the edge answers itself (ApiVersions at an unsupported version) with the response to send.
 *
 * @param frame           the request frame, owned by the receiver; null for an answered request
 * @param request         the decoded body; null for an answered request
 * @param answer          the edge's own response; null for a request to hand to the handler
 * @param responseVersion the version to encode the response at
 */
record InboundRequest(RequestHeader header, GeneratedMessage request, ByteBuf frame, long receiveTimeNs,
                      GeneratedMessage answer, short responseVersion) {

    static InboundRequest toHandle(RequestHeader header, GeneratedMessage request, ByteBuf frame, long receiveTimeNs) {
        return new InboundRequest(header, request, frame, receiveTimeNs, null, header.apiVersion());
    }

    static InboundRequest answered(RequestHeader header, GeneratedMessage answer, short responseVersion, long receiveTimeNs) {
        return new InboundRequest(header, null, null, receiveTimeNs, answer, responseVersion);
    }
}
