package io.varve.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.varve.common.Clock;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.generated.ApiMessageType;
import io.varve.protocol.generated.ApiVersionsResponse;
import io.varve.protocol.generated.GeneratedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a request frame into its header and body ({@link InboundRequest}) with the generated codecs,
 * reading the frame in place. What it cannot serve never reaches the handler:
 * <ul>
 *   <li>unknown API key: close, {@link NetworkMetrics#unknownApiKeys()};</li>
 *   <li>version outside the API's band: for ApiVersions a v0 response with {@code UNSUPPORTED_VERSION}
 *       and the supported versions, so the client can pick one (as Kafka does); for any other API
 *       close; both count {@link NetworkMetrics#unsupportedVersions()};</li>
 *   <li>a header or body that does not decode: close, {@link NetworkMetrics#malformedRequests()}.</li>
 * </ul>
 * Bytes after a body that decoded are ignored, as Kafka does (its parser reads the body and never checks what
 * is left): librdkafka 2.15 sends its all-topics Metadata v13 with three bytes more than the body, and refusing
 * them dropped every librdkafka producer's connection. Each close is logged at DEBUG with its reason.
 * Releases every frame it does not pass on. Not thread-safe: one instance per connection.
 */
final class RequestDecoder extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDecoder.class);

    private static final ApiVersionsResponse UNSUPPORTED_API_VERSIONS =
        ApiKey.apiVersionsResponse(Errors.UNSUPPORTED_VERSION);
    /** api_key int16 | api_version int16 | correlation_id int32: what is read before the header's version is known. */
    private static final int HEADER_PREFIX_BYTES = 8;

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
        if (frame.readableBytes() < HEADER_PREFIX_BYTES) {
            metrics.onMalformedRequest();
            LOG.debug("{}: closing, a {}-byte frame is shorter than a request header", ctx.channel().remoteAddress(),
                frame.readableBytes());
            ctx.close();
            return null;
        }
        short keyId = frame.getShort(frame.readerIndex());
        short version = frame.getShort(frame.readerIndex() + 2);
        ApiKey key = ApiKey.forId(keyId);
        if (key == null) {
            metrics.onUnknownApiKey();
            LOG.debug("{}: closing, unknown API key {}", ctx.channel().remoteAddress(), keyId);
            ctx.close();
            return null;
        }
        ApiMessageType type = ApiMessageType.forApiKey(keyId);
        ProtocolReader reader = new ProtocolReader(frame.nioBuffer());
        RequestHeader header;
        try {
            io.varve.protocol.generated.RequestHeader h =
                io.varve.protocol.generated.RequestHeader.read(reader, type.requestHeaderVersion(version));
            header = new RequestHeader(key, version, h.correlationId(), h.clientId());
        } catch (MalformedMessageException e) {
            metrics.onMalformedRequest();
            LOG.debug("{}: closing, {} v{} header does not decode: {}", ctx.channel().remoteAddress(), key, version,
                e.getMessage());
            ctx.close();
            return null;
        }
        if (!key.isVersionServed(version)) { // Produce v0-2 too: advertised, refused as Kafka does
            metrics.onUnsupportedVersion();
            if (key == ApiKey.API_VERSIONS) {
                return InboundRequest.answered(header, UNSUPPORTED_API_VERSIONS, (short) 0, receiveTimeNs);
            }
            LOG.debug("{}: closing, {} v{} is not served", ctx.channel().remoteAddress(), key, version);
            ctx.close();
            return null;
        }
        GeneratedMessage request;
        try {
            request = ApiMessageType.readRequest(keyId, reader, version);
        } catch (MalformedMessageException e) {
            metrics.onMalformedRequest();
            LOG.debug("{}: closing, {} v{} (correlation id {}) body does not decode: {}", ctx.channel().remoteAddress(),
                key, version, header.correlationId(), e.getMessage());
            ctx.close();
            return null;
        }
        return InboundRequest.toHandle(header, request, frame, receiveTimeNs);
    }
}
