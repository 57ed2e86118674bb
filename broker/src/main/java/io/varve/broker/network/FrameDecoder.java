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
 * that ends inside a frame is counted as truncated. Nothing is allocated from the size prefix: the
 * buffer grows as the bytes arrive.
 *
 * <p>Two things stop the channel being read (auto-read off), each undone on its own:
 * <ul>
 *   <li>{@link #pause()}, until {@link #resume()}: frames are no longer emitted either (the bytes stay
 *       buffered), which bounds what one connection has in flight however many frames one read delivered;</li>
 *   <li>the listener group's {@link RequestBytesBudget}: after every read the bytes this decoder holds
 *       (a frame partly received, frames held back by a pause) are reported there; while the group is
 *       over its bound and this decoder holds bytes, it waits for room, unless it may take the overdraft
 *       to finish the frame it is receiving.</li>
 * </ul>
 * Not thread-safe: event-loop only; one instance per connection.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    /** Bytes of the size prefix. */
    public static final int SIZE_PREFIX_BYTES = 4;

    private final int maxFrameBytes;
    private final RequestBytesBudget budget;
    private final NetworkMetrics metrics;
    private final RequestBytesBudget.Waiter waiter = this::onRoomElsewhere;
    private ChannelHandlerContext ctx;
    private boolean paused;
    private boolean failed;
    private boolean gone;
    /** Bytes of unemitted frames this decoder has reported to the budget. */
    private long heldBytes;
    /** Over budget and not reading. */
    private boolean waitingForRoom;
    /** Queued in the budget's waiters. */
    private boolean queued;
    /** A frame was emitted since the last {@link #afterRead}. */
    private boolean emitted;

    FrameDecoder(int maxFrameBytes, RequestBytesBudget budget, NetworkMetrics metrics) {
        if (maxFrameBytes < 0) {
            throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.budget = budget;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        try {
            super.channelRead(ctx, msg);
        } finally {
            afterRead();
        }
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
        emitted = true;
        metrics.onBytesIn(SIZE_PREFIX_BYTES + (long) size);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (paused || waitingForRoom) {
            // ByteToMessageDecoder asks for one more read when auto-read is off and this read emitted
            // nothing, which is always the case here: that would read on regardless of the pause.
            discardSomeReadBytes();
            ctx.fireChannelReadComplete();
            return;
        }
        super.channelReadComplete(ctx);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // The connection is gone: whole frames still held back by a pause have no one to answer.
        if (!failed && in.isReadable() && !holdsWholeFrame(in)) {
            metrics.onTruncatedFrame();
        }
        in.skipBytes(in.readableBytes());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        try {
            super.channelInactive(ctx);
        } finally {
            leaveBudget();
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        leaveBudget();
    }

    private static boolean holdsWholeFrame(ByteBuf in) {
        if (in.readableBytes() < SIZE_PREFIX_BYTES) {
            return false;
        }
        int size = in.getInt(in.readerIndex());
        return size >= 0 && in.readableBytes() - SIZE_PREFIX_BYTES >= size;
    }

    /** Stops emitting frames and reading the channel. */
    public void pause() {
        paused = true;
        updateAutoRead();
    }

    public boolean isPaused() {
        return paused;
    }

    /**
     * Emits the frames buffered while paused (until paused again), then reads the channel again unless
     * the budget says wait. Must not be called from inside this decoder's own {@code channelRead}:
     * callers defer it to a fresh event-loop task.
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
            // An empty read runs the decode loop over what is already buffered, then the budget check.
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    /** Reports what this decoder holds now and decides whether the channel may be read on. */
    private void afterRead() {
        if (gone) {
            return;
        }
        long held = internalBuffer().readableBytes();
        budget.add(held - heldBytes);
        heldBytes = held;
        // Not paused: every whole frame was emitted, so what is held is the start of one frame.
        boolean receivingFrame = !paused && !failed && held > 0;
        boolean finishedFrame = emitted;
        emitted = false;
        if (!receivingFrame || finishedFrame) {
            // Its frame is done: the overdraft goes back, and this decoder asks again like the others.
            budget.releaseOverdraft(this);
        }
        boolean over = !budget.hasRoom();
        boolean overdraft = over && receivingFrame && !finishedFrame && budget.tryOverdraft(this);
        boolean wait = held > 0 && over && !overdraft;
        if (wait && !waitingForRoom) {
            metrics.onQueuedBytesPause();
        }
        waitingForRoom = wait;
        if (wait && !queued) {
            queued = true;
            budget.await(waiter, receivingFrame);
        }
        updateAutoRead();
    }

    /** Called by the budget, on any thread, when bytes were freed or the overdraft was released. */
    private void onRoomElsewhere() {
        try {
            ctx.executor().execute(() -> {
                queued = false;
                if (!gone && waitingForRoom) {
                    afterRead();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The event loop is shutting down with the connection.
        }
    }

    private void updateAutoRead() {
        if (ctx != null && !gone) {
            ctx.channel().config().setAutoRead(!paused && !waitingForRoom);
        }
    }

    /** The connection is closing: its bytes no longer count, and others may take the overdraft. */
    private void leaveBudget() {
        if (gone) {
            return;
        }
        gone = true;
        budget.add(-heldBytes);
        heldBytes = 0;
        budget.releaseOverdraft(this);
        budget.cancel(waiter);
    }
}
