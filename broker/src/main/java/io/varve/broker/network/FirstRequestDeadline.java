package io.varve.broker.network;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose first whole request frame has not arrived {@code timeoutMs} after the
 * connection was accepted ({@code connections.first.request.timeout.ms}), and counts it in
 * {@link NetworkMetrics#firstRequestTimeouts()}. Sits right after the {@link FrameDecoder}: the first
 * frame through it cancels the deadline, and it takes itself out of the pipeline. Kafka has no such
 * bound; without it a socket that never sends a byte holds a {@code max.connections} slot for
 * {@code connections.max.idle.ms}. The deadline runs on the channel's event loop timer.
 *
 * <p>Event-loop only; one per connection.
 */
final class FirstRequestDeadline extends ChannelInboundHandlerAdapter {

    private final long timeoutMs;
    private final NetworkMetrics metrics;
    private ScheduledFuture<?> deadline;

    FirstRequestDeadline(long timeoutMs, NetworkMetrics metrics) {
        if (timeoutMs < 1) {
            throw new IllegalArgumentException("timeoutMs " + timeoutMs);
        }
        this.timeoutMs = timeoutMs;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                metrics.onFirstRequestTimeout();
                ctx.close();
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}
