package io.varve.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.varve.protocol.codec.MalformedMessageException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a controller listener's pipeline: copies each frame (already bounded by the
 * {@link FrameDecoder}) to the heap, releases the Netty buffer, and hands it to a {@link FrameHandler}.
 * Malformed input closes the connection and is counted, as on the client listener. Not sharable:
 * one per connection.
 */
final class FrameChannelHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(FrameChannelHandler.class);

    private final FrameHandler handler;
    private final NetworkMetrics metrics;

    FrameChannelHandler(FrameHandler handler, NetworkMetrics metrics) {
        this.handler = handler;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        ByteBuffer body;
        try {
            body = ByteBuffer.allocate(frame.readableBytes());
            frame.readBytes(body);
            body.flip();
        } finally {
            frame.release();
        }
        metrics.onRequest();
        try {
            handler.onFrame(body, response -> {
                metrics.onBytesOut(response.remaining());
                ctx.channel().writeAndFlush(Unpooled.wrappedBuffer(response));
            });
        } catch (MalformedMessageException e) {
            metrics.onMalformedRequest();
            LOG.debug("Closing controller connection {}: {}", ctx.channel().remoteAddress(), e.getMessage());
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            metrics.onIdleClose();
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        metrics.onChannelError();
        LOG.debug("Controller connection {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
