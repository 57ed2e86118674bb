package io.varve.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.ByteBuffer;

/**
 * The thin Netty edge of a {@link NodeConnection}: hands it channel events and response frames.
 * Each frame (already stripped of its size prefix and bounded by {@code max.response.bytes}) is
 * copied into a heap buffer and released here, so the decoded response, records included, owns its
 * bytes and stays valid for as long as the caller keeps it. Runs on the channel's event loop.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {

    private final NodeConnection connection;

    ConnectionHandler(NodeConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connection.onConnected(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuffer frame;
        ByteBuf buf = (ByteBuf) msg;
        try {
            frame = ByteBuffer.allocate(buf.readableBytes());
            buf.readBytes(frame);
        } finally {
            buf.release();
        }
        connection.onFrame(ctx.channel(), frame.flip());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.onChannelFailure(ctx.channel(), "connection closed by the broker", null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.onChannelFailure(ctx.channel(), "I/O error: " + cause, cause);
    }
}
