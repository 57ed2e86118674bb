package io.varve.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the inbound byte stream into request frames.
 *
 * <pre>
 *  0               4                                4 + size
 *  +---------------+--------------------------------+
 *  | size (int32)  | request header + body ...      |
 *  +---------------+--------------------------------+
 * </pre>
 *
 * Emits each frame body (without the prefix) as a retained slice of the received bytes; the next
 * handler owns it and must release it. A negative size or one above the maximum closes the
 * connection before the body is awaited or anything is allocated for it (DESIGN §8); a connection
 * that ends inside a frame is counted as truncated.
 *
 * <p>{@link #pause()} stops emitting frames (the bytes stay buffered) until {@link #resume()}: with
 * auto-read off it bounds what one connection can have in flight however many frames one read
 * delivered. Not thread-safe: event-loop only; one instance per connection.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    /** Bytes of the size prefix. */
    public static final int SIZE_PREFIX_BYTES = 4;

    private final int maxFrameBytes;
    private final NetworkMetrics metrics;
    private ChannelHandlerContext ctx;
    private boolean paused;
    private boolean failed;

    public FrameDecoder(int maxFrameBytes, NetworkMetrics metrics) {
        if (maxFrameBytes < 0) {
            throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (paused || failed || in.readableBytes() < SIZE_PREFIX_BYTES) {
            return;
        }
        int size = in.getInt(in.readerIndex());
        if (size < 0 || size > maxFrameBytes) {
            failed = true;
            if (size < 0) {
                metrics.onNegativeFrameSize();
            } else {
                metrics.onFrameTooLarge();
            }
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        if (in.readableBytes() - SIZE_PREFIX_BYTES < size) {
            return;
        }
        in.skipBytes(SIZE_PREFIX_BYTES);
        out.add(in.readRetainedSlice(size));
        metrics.onBytesIn(SIZE_PREFIX_BYTES + (long) size);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // The connection is gone: whole frames still held back by a pause have no one to answer.
        if (!failed && in.isReadable() && !holdsWholeFrame(in)) {
            metrics.onTruncatedFrame();
        }
        in.skipBytes(in.readableBytes());
    }

    private static boolean holdsWholeFrame(ByteBuf in) {
        if (in.readableBytes() < SIZE_PREFIX_BYTES) {
            return false;
        }
        int size = in.getInt(in.readerIndex());
        return size >= 0 && in.readableBytes() - SIZE_PREFIX_BYTES >= size;
    }

    /** Stops emitting frames; bytes keep accumulating only as far as the channel still reads. */
    public void pause() {
        paused = true;
    }

    public boolean isPaused() {
        return paused;
    }

    /**
     * Emits the frames buffered while paused (until paused again). Must not be called from inside
     * this decoder's own {@code channelRead}: callers defer it to a fresh event-loop task.
     */
    public void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        if (ctx == null || ctx.isRemoved() || !ctx.channel().isActive()) {
            return;
        }
        try {
            // An empty read runs the decode loop over what is already buffered.
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }
}
