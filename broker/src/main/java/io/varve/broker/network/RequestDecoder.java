package io.varve.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.varve.common.Clock;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.message.ApiMessages;
import io.varve.protocol.message.ApiRequest;
import io.varve.protocol.message.ApiVersionsResponse;
import io.varve.protocol.message.RequestHeader;
import java.util.List;

/**
 * Decodes a request frame into its header and body ({@link InboundRequest}), reading the frame in
 * place. What it cannot serve never reaches the handler:
 * <ul>
 *   <li>unknown API key: close, {@link NetworkMetrics#unknownApiKeys()};</li>
 *   <li>version outside the API's band: for ApiVersions a v0 response with {@code UNSUPPORTED_VERSION}
 *       and the supported versions, so the client can pick one (as Kafka does); for any other API
 *       close; both count {@link NetworkMetrics#unsupportedVersions()};</li>
 *   <li>a header or body that does not decode: close, {@link NetworkMetrics#malformedRequests()}.</li>
 * </ul>
 * Releases every frame it does not pass on. Not thread-safe: one instance per connection.
 */
final class RequestDecoder extends ChannelInboundHandlerAdapter {

    private static final ApiVersionsResponse UNSUPPORTED_API_VERSIONS =
        ApiVersionsResponse.of(Errors.UNSUPPORTED_VERSION, List.of());

    private final NetworkMetrics metrics;
    private final Clock clock;

    RequestDecoder(NetworkMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        InboundRequest decoded = null;
        try {
            decoded = decode(ctx, frame);
        } finally {
            if (decoded == null || decoded.frame() == null) {
                frame.release();
            }
        }
        if (decoded != null) {
            ctx.fireChannelRead(decoded);
        }
    }

    /** Returns what to pass on, or null after closing the connection. */
    private InboundRequest decode(ChannelHandlerContext ctx, ByteBuf frame) {
        long receiveTimeNs = clock.nanoTime();
        ProtocolReader reader = new ProtocolReader(frame.nioBuffer());
        RequestHeader header;
        try {
            header = RequestHeader.read(reader);
        } catch (RequestHeader.UnknownApiException e) {
            metrics.onUnknownApiKey();
            ctx.close();
            return null;
        } catch (MalformedMessageException e) {
            metrics.onMalformedRequest();
            ctx.close();
            return null;
        }
        ApiKey key = header.apiKey();
        if (!key.isVersionSupported(header.apiVersion())) {
            metrics.onUnsupportedVersion();
            if (key == ApiKey.API_VERSIONS) {
                return InboundRequest.answered(header, UNSUPPORTED_API_VERSIONS, (short) 0, receiveTimeNs);
            }
            ctx.close();
            return null;
        }
        ApiRequest request;
        try {
            request = ApiMessages.readRequest(key, reader, header.apiVersion());
        } catch (MalformedMessageException e) {
            metrics.onMalformedRequest();
            ctx.close();
            return null;
        }
        return InboundRequest.toHandle(header, request, frame, receiveTimeNs);
    }
}
