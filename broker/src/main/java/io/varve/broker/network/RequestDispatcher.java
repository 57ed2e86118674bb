package io.varve.broker.network;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.varve.protocol.Errors;
import io.varve.protocol.ErrorResponses;
import io.varve.protocol.generated.GeneratedMessage;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin dispatcher at the end of a connection's pipeline (pattern: Request Pipeline). It hands
 * each decoded request to the {@link RequestHandler} and releases the request frame when the
 * handler returns; it writes the responses in request order, holding back any that complete before
 * an earlier one; and it applies backpressure: once {@code maxInflight} requests are outstanding
 * (received, and not yet answered with a written response) it pauses the {@link FrameDecoder}, which
 * stops emitting frames and reading the channel, and resumes it as responses are written.
 *
 * <p>Event-loop only, except {@link Slot#respond}, which any thread may call. One per connection.
 */
final class RequestDispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    private final RequestHandler handler;
    private final NetworkMetrics metrics;
    private final RequestObserver observer;
    private final FrameDecoder frameDecoder;
    private final int maxInflight;
    private final long connectionId;
    private final String listenerName;

    /** Requests in arrival order whose responses are not yet handed to the channel. */
    private final ArrayDeque<Slot> pending = new ArrayDeque<>();
    /** Pending requests plus responses handed to the channel whose write has not completed. */
    private int outstanding;
    private boolean paused;
    private boolean closed;
    private ChannelHandlerContext ctx;

    RequestDispatcher(RequestHandler handler, NetworkMetrics metrics, FrameDecoder frameDecoder, int maxInflight,
                      long connectionId, String listenerName) {
        if (maxInflight < 1) {
            throw new IllegalArgumentException("maxInflight " + maxInflight);
        }
        this.handler = handler;
        this.metrics = metrics;
        this.observer = metrics.requestObserver();
        this.frameDecoder = frameDecoder;
        this.maxInflight = maxInflight;
        this.connectionId = connectionId;
        this.listenerName = listenerName;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof InboundRequest in)) {
            ReferenceCountUtil.release(msg);
            throw new IllegalStateException("unexpected message " + msg.getClass().getName());
        }
        metrics.onRequest();
        Slot slot = new Slot(in.header(), in.request(), in.responseVersion(), in.receiveTimeNs());
        pending.add(slot);
        outstanding++;
        if (in.answer() != null) {
            slot.respond(in.answer());
        } else {
            handle(in, slot);
        }
        if (!closed && !paused && outstanding >= maxInflight) {
            paused = true;
            frameDecoder.pause(); // stops reading the channel too
            metrics.onReadPaused();
        }
    }

    private void handle(InboundRequest in, Slot slot) {
        RequestContext context = new RequestContext(connectionId, listenerName, ctx.channel().remoteAddress(),
            in.header(), in.receiveTimeNs());
        long startNs = observer.onHandleStart(in.header().apiKey(), in.receiveTimeNs());
        try {
            handler.handle(context, in.request(), slot);
            observer.onHandleEnd(in.header().apiKey(), startNs);
        } catch (RuntimeException | Error e) {
            metrics.onHandlerError();
            LOG.warn("handler failed on {} from connection {}", in.header(), connectionId, e);
            if (slot.answered.compareAndSet(false, true)) {
                slot.deliver(ErrorResponses.of(in.request(), in.header().apiVersion(), Errors.UNKNOWN_SERVER_ERROR));
            }
        } finally {
            in.frame().release();
        }
    }

    /** A slot's response arrived (on the event loop). */
    private void onAnswered(Slot slot, GeneratedMessage response) {
        if (closed) {
            ResponseEncoder.discard(response, slot.responseVersion);
            return;
        }
        observer.onResponse(slot.header.apiKey(), response);
        slot.response = response;
        slot.ready = true;
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peekFirst().ready) {
            Slot head = pending.pollFirst();
            if (head.response == null) {
                observer.onResponseSent(head.header.apiKey(), head.receiveTimeNs);
                onResponseDone();
                continue;
            }
            OutboundResponse out = new OutboundResponse(head.header.apiKey(), head.responseVersion,
                head.header.correlationId(), head.response);
            head.response = null;
            ctx.write(out).addListener(f -> {
                if (f.isSuccess()) {
                    observer.onResponseSent(head.header.apiKey(), head.receiveTimeNs);
                }
                onWritten(f);
            });
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    private void onWritten(io.netty.util.concurrent.Future<? super Void> f) {
        if (!f.isSuccess() && !closed) {
            Throwable cause = f.cause();
            metrics.onChannelError();
            LOG.debug("write failed on connection {}", connectionId, cause);
            ctx.close();
        }
        onResponseDone();
    }

    private void onResponseDone() {
        outstanding--;
        if (paused && !closed && outstanding < maxInflight) {
            paused = false;
            // Deferred: this may run inside the decoder's own read (a write that completed at once).
            ctx.executor().execute(this::resumeReading);
        }
    }

    private void resumeReading() {
        if (closed || paused) {
            return;
        }
        frameDecoder.resume(); // reads the channel again, unless the listener group's request bytes say wait
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
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed = true;
        for (Slot slot : pending) {
            if (slot.ready) {
                ResponseEncoder.discard(slot.response, slot.responseVersion);
                slot.response = null;
            }
        }
        pending.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        metrics.onChannelError();
        if (cause instanceof IOException) {
            LOG.debug("connection {} failed", connectionId, cause);
        } else {
            LOG.warn("connection {} failed", connectionId, cause);
        }
        ctx.close();
    }

    /** Number of requests received and not yet answered with a written response. */
    int outstanding() {
        return outstanding;
    }

    /** One request's place in the response order; the handler's {@link ResponseCallback}. */
    final class Slot implements ResponseCallback {
        final RequestHeader header;
        final GeneratedMessage request;
        final short responseVersion;
        final long receiveTimeNs;
        final AtomicBoolean answered = new AtomicBoolean();
        /** Event-loop only from here on. */
        GeneratedMessage response;
        boolean ready;

        Slot(RequestHeader header, GeneratedMessage request, short responseVersion, long receiveTimeNs) {
            this.header = header;
            this.request = request;
            this.responseVersion = responseVersion;
            this.receiveTimeNs = receiveTimeNs;
        }

        @Override
        public void respond(GeneratedMessage response) {
            if (response != null && response.apiKey() != header.apiKey().id) {
                throw new IllegalArgumentException(response.apiKey() + " response to a " + header.apiKey() + " request");
            }
            if (!answered.compareAndSet(false, true)) {
                throw new IllegalStateException("request " + header.correlationId() + " of connection "
                    + connectionId + " already answered");
            }
            deliver(response);
        }

        void deliver(GeneratedMessage response) {
            EventExecutor loop = ctx.executor();
            if (loop.inEventLoop()) {
                onAnswered(this, response);
                return;
            }
            try {
                loop.execute(() -> onAnswered(this, response));
            } catch (RejectedExecutionException e) {
                ResponseEncoder.discard(response, responseVersion);
            }
        }
    }

}
