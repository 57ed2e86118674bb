package io.varve.client;

import static io.varve.client.NetworkClientException.Reason.CLIENT_CLOSED;
import static io.varve.client.NetworkClientException.Reason.DISCONNECTED;
import static io.varve.client.NetworkClientException.Reason.NOT_CONNECTED;
import static io.varve.client.NetworkClientException.Reason.PROTOCOL_ERROR;
import static io.varve.client.NetworkClientException.Reason.QUEUE_FULL;
import static io.varve.client.NetworkClientException.Reason.REQUEST_TIMED_OUT;
import static io.varve.client.NetworkClientException.Reason.UNSUPPORTED_VERSION;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.varve.config.ClientConfig;
import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.generated.ApiMessageType;
import io.varve.protocol.generated.ApiVersionsRequest;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.RequestHeader;
import io.varve.protocol.generated.ResponseHeader;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One broker connection: a Single-Socket Channel with a Request Pipeline. Requests wait in a bounded
 * queue until the connection is {@link ConnectionState#READY READY} and an in-flight slot is free, are
 * written in order with increasing correlation ids, and their responses, which a Kafka broker sends in
 * request order, are matched against the oldest request in flight. A response that matches nothing is
 * a protocol error: the stream can no longer be trusted, so the connection fails.
 *
 * <p>Threading: {@link #submit} and the volatile getters may be called from any thread; everything
 * else runs on the client's one I/O thread, which owns all mutable state. Futures complete on that
 * thread.
 */
final class NodeConnection {

    private static final Logger LOG = LoggerFactory.getLogger(NodeConnection.class);

    static final String SOFTWARE_NAME = "varve-java";
    static final String SOFTWARE_VERSION = "0.1.0";

    private final Node node;
    private final ClientContext ctx;
    private final ClientConfig config;
    private final Bootstrap bootstrap;
    private final int maxOutstanding;
    /** Requests queued plus in flight (plus submitted and not yet queued); bounded by {@link #maxOutstanding}. */
    private final AtomicInteger outstanding = new AtomicInteger();

    private volatile ConnectionState state = ConnectionState.DISCONNECTED;
    private volatile NodeApiVersions apiVersions;
    private volatile long reconnectAtNs;

    // I/O thread only.
    private final ArrayDeque<PendingRequest> queue = new ArrayDeque<>();
    private final ArrayDeque<PendingRequest> inFlight = new ArrayDeque<>();
    private Channel channel;
    private int nextCorrelationId;
    private int failedAttempts;
    private long connectStartNs;
    private long lastActivityNs;
    private ApiVersionsHandshake handshake;

    NodeConnection(Node node, ClientContext ctx) {
        this.node = node;
        this.ctx = ctx;
        this.config = ctx.config();
        this.maxOutstanding = config.maxInFlightRequestsPerConnection() + config.maxQueuedRequestsPerConnection();
        int maxFrameBytes = config.maxResponseBytes() + 4;
        this.bootstrap = new Bootstrap()
            .group(ctx.loop())
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.socketConnectionSetupTimeoutMs())
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(
                        new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, 4, 0, 4, true),
                        new ConnectionHandler(NodeConnection.this));
                }
            });
        if (config.receiveBufferBytes() != -1) {
            bootstrap.option(ChannelOption.SO_RCVBUF, config.receiveBufferBytes());
        }
        if (config.sendBufferBytes() != -1) {
            bootstrap.option(ChannelOption.SO_SNDBUF, config.sendBufferBytes());
        }
    }

    ConnectionState state() {
        return state;
    }

    NodeApiVersions apiVersions() {
        return apiVersions;
    }

    int outstanding() {
        return outstanding.get();
    }

    /** Any thread: milliseconds until a send may reconnect, 0 unless in backoff. */
    long connectionDelayMs(long nowNs) {
        return state == ConnectionState.BACKOFF ? Math.max(0L, (reconnectAtNs - nowNs) / 1_000_000L) : 0L;
    }

    /**
     * Any thread. Fails fast, without touching the I/O thread, when the client is closed, the node is
     * in backoff, or the connection already holds its limit of requests; otherwise hands the request
     * to the I/O thread.
     */
    void submit(PendingRequest p) {
        if (ctx.clientClosed()) {
            p.future.completeExceptionally(new NetworkClientException(CLIENT_CLOSED, "the client is closed"));
            return;
        }
        if (state == ConnectionState.BACKOFF && ctx.clock().nanoTime() - reconnectAtNs < 0) {
            p.future.completeExceptionally(notConnected(ctx.clock().nanoTime()));
            return;
        }
        if (outstanding.incrementAndGet() > maxOutstanding) {
            outstanding.decrementAndGet();
            p.future.completeExceptionally(new NetworkClientException(QUEUE_FULL, node + " already has " + maxOutstanding
                + " requests in flight or queued (" + ClientConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION + " + "
                + ClientConfig.MAX_QUEUED_REQUESTS_PER_CONNECTION + ")"));
            return;
        }
        try {
            ctx.loop().execute(() -> enqueue(p));
        } catch (RejectedExecutionException e) {
            fail(p, CLIENT_CLOSED, "the client is closed", null);
        }
    }

    private void enqueue(PendingRequest p) {
        if (ctx.clientClosed() || state == ConnectionState.CLOSED) {
            fail(p, CLIENT_CLOSED, "the client is closed", null);
            return;
        }
        long nowNs = ctx.clock().nanoTime();
        if (state == ConnectionState.BACKOFF) {
            if (nowNs - reconnectAtNs < 0) {
                settle(p, null, notConnected(nowNs));
                return;
            }
            state = ConnectionState.DISCONNECTED;
        }
        queue.addLast(p);
        if (state == ConnectionState.DISCONNECTED) {
            connect(nowNs);
        } else if (state == ConnectionState.READY) {
            drain(nowNs);
        }
    }

    private NetworkClientException notConnected(long nowNs) {
        long waitMs = Math.max(0L, (reconnectAtNs - nowNs) / 1_000_000L);
        return new NetworkClientException(NOT_CONNECTED, node + " is in reconnect backoff for another " + waitMs + " ms");
    }

    private void connect(long nowNs) {
        state = ConnectionState.CONNECTING;
        connectStartNs = nowNs;
        handshake = new ApiVersionsHandshake();
        LOG.debug("connecting to {}", node);
        ChannelFuture connected = bootstrap.connect(node.host(), node.port());
        channel = connected.channel();
        connected.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                onChannelFailure(f.channel(), "cannot connect: " + f.cause(), f.cause());
            }
        });
    }

    void onConnected(Channel ch) {
        if (ch == channel && state == ConnectionState.CONNECTING) {
            sendHandshake(ch);
        }
    }

    private void sendHandshake(Channel ch) {
        short version = handshake.version();
        int correlationId = nextCorrelationId();
        handshake.sent(correlationId);
        RequestHeader header = new RequestHeader(ApiKey.API_VERSIONS.id, version, correlationId, config.clientId());
        ByteBuf frame = RequestEncoder.encode(header, new ApiVersionsRequest(SOFTWARE_NAME, SOFTWARE_VERSION), version);
        ch.writeAndFlush(frame).addListener(this::onWritten);
    }

    private void onWritten(io.netty.util.concurrent.Future<? super Void> f) {
        if (!f.isSuccess()) {
            onChannelFailure(((ChannelFuture) f).channel(), "write failed: " + f.cause(), f.cause());
        }
    }

    private int nextCorrelationId() {
        int id = nextCorrelationId;
        nextCorrelationId = id == Integer.MAX_VALUE ? 0 : id + 1;
        return id;
    }

    void onFrame(Channel ch, ByteBuffer frame) {
        if (ch != channel) {
            return;
        }
        lastActivityNs = ctx.clock().nanoTime();
        try {
            if (state == ConnectionState.CONNECTING) {
                onHandshakeResponse(ch, frame);
            } else if (state == ConnectionState.READY) {
                onResponse(frame);
            }
        } catch (RuntimeException e) {
            failConnection("undecodable response: " + e, e);
        }
    }

    private void onHandshakeResponse(Channel ch, ByteBuffer frame) {
        ApiVersionsHandshake.Outcome outcome = handshake.onResponse(frame);
        if (outcome instanceof ApiVersionsHandshake.Retry) {
            sendHandshake(ch);
        } else if (outcome instanceof ApiVersionsHandshake.Failed failed) {
            failConnection(failed.why(), null);
        } else if (outcome instanceof ApiVersionsHandshake.Ready ready) {
            apiVersions = ready.versions();
            failedAttempts = 0;
            state = ConnectionState.READY;
            LOG.debug("{} ready: {}", node, apiVersions);
            drain(ctx.clock().nanoTime());
        }
    }

    private void onResponse(ByteBuffer frame) {
        PendingRequest head = inFlight.peekFirst();
        if (head == null) {
            failConnection("response received with no request in flight", null);
            return;
        }
        ProtocolReader reader = new ProtocolReader(frame);
        ApiMessageType type = ApiMessageType.forApiKey(head.apiKey.id);
        int correlationId = ResponseHeader.read(reader, type.responseHeaderVersion(head.version)).correlationId();
        if (correlationId != head.correlationId) {
            failConnection("correlation id mismatch: expected " + head.correlationId + " for " + head
                + ", got " + correlationId, null);
            return;
        }
        inFlight.pollFirst();
        Object response;
        try {
            response = ApiMessageType.readResponse(head.apiKey.id, reader, head.version);
        } catch (RuntimeException e) {
            fail(head, PROTOCOL_ERROR, "cannot decode the response to " + head + " from " + node + ": " + e, e);
            failConnection("undecodable response to " + head, e);
            return;
        }
        settle(head, response, null);
        drain(ctx.clock().nanoTime());
    }

    /** Writes queued requests while in-flight slots are free; one flush for the lot. */
    private void drain(long nowNs) {
        Channel ch = channel;
        boolean wrote = false;
        int maxInFlight = config.maxInFlightRequestsPerConnection();
        while (state == ConnectionState.READY && inFlight.size() < maxInFlight && !queue.isEmpty()) {
            PendingRequest p = queue.pollFirst();
            short version = apiVersions.usableVersion(p.apiKey);
            if (version < 0) {
                fail(p, UNSUPPORTED_VERSION, node + ": " + apiVersions.describeMismatch(p.apiKey), null);
                continue;
            }
            p.version = version;
            p.correlationId = nextCorrelationId();
            ByteBuf frame;
            try {
                GeneratedMessage body = p.builder.build(version);
                frame = RequestEncoder.encode(new RequestHeader(p.apiKey.id, version, p.correlationId, config.clientId()),
                    body, version);
            } catch (RuntimeException e) {
                settle(p, null, e);
                continue;
            }
            if (p.expectResponse) {
                inFlight.addLast(p);
                ch.write(frame).addListener(this::onWritten);
            } else {
                ch.write(frame).addListener(f -> {
                    if (f.isSuccess()) {
                        settle(p, null, null);
                    } else {
                        fail(p, DISCONNECTED, "not written to " + node + ": " + f.cause(), f.cause());
                    }
                });
            }
            wrote = true;
        }
        if (wrote) {
            lastActivityNs = nowNs;
            ch.flush();
        }
    }

    /** Periodic check on the I/O thread: setup and request timeouts, queue expiry, idle close, backoff end. */
    void onTick(long nowNs) {
        switch (state) {
            case CONNECTING -> {
                if (nowNs - connectStartNs >= config.socketConnectionSetupTimeoutMs() * 1_000_000L) {
                    failConnection("connection setup timed out after " + config.socketConnectionSetupTimeoutMs() + " ms", null);
                }
            }
            case READY -> {
                expireInFlight(nowNs);
                if (state == ConnectionState.READY && inFlight.isEmpty() && queue.isEmpty()
                        && nowNs - lastActivityNs >= config.connectionsMaxIdleMs() * 1_000_000L) {
                    closeIdle();
                }
            }
            case BACKOFF -> {
                if (nowNs - reconnectAtNs >= 0) {
                    state = ConnectionState.DISCONNECTED;
                }
            }
            default -> {
            }
        }
        for (Iterator<PendingRequest> it = queue.iterator(); it.hasNext();) {
            PendingRequest p = it.next();
            if (p.expired(nowNs)) {
                it.remove();
                fail(p, REQUEST_TIMED_OUT, p.apiKey.displayName + " waited for " + node + " past its timeout", null);
            }
        }
    }

    /** A request past its deadline: fail it, and the connection, since its response could no longer be matched. */
    private void expireInFlight(long nowNs) {
        for (Iterator<PendingRequest> it = inFlight.iterator(); it.hasNext();) {
            PendingRequest p = it.next();
            if (p.expired(nowNs)) {
                it.remove();
                fail(p, REQUEST_TIMED_OUT, "no response from " + node + " to " + p + " within its timeout", null);
                failConnection("request " + p + " timed out", null);
                return;
            }
        }
    }

    private void closeIdle() {
        LOG.debug("closing idle connection to {}", node);
        Channel ch = channel;
        channel = null;
        apiVersions = null;
        state = ConnectionState.DISCONNECTED;
        if (ch != null) {
            ch.close();
        }
    }

    /** A channel event from Netty; ignored unless it concerns the current channel. */
    void onChannelFailure(Channel ch, String why, Throwable cause) {
        if (ch == channel) {
            failConnection(why, cause);
        }
    }

    /**
     * Closes the channel, fails what was in flight (DISCONNECTED) and what was queued (NOT_CONNECTED),
     * and enters backoff. The state changes before any future completes, so callbacks see it.
     */
    private void failConnection(String why, Throwable cause) {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        Channel ch = channel;
        channel = null;
        apiVersions = null;
        long nowNs = ctx.clock().nanoTime();
        long backoffMs = ctx.reconnectBackoff().backoffMs(failedAttempts, ctx.random());
        failedAttempts = Math.min(failedAttempts + 1, 62);
        reconnectAtNs = nowNs + backoffMs * 1_000_000L;
        state = ConnectionState.BACKOFF;
        LOG.info("connection to {} failed ({}); reconnecting in {} ms", node, why, backoffMs);
        if (ch != null) {
            ch.close();
        }
        for (PendingRequest p; (p = inFlight.pollFirst()) != null;) {
            fail(p, DISCONNECTED, node + ": " + why, cause);
        }
        for (PendingRequest p; (p = queue.pollFirst()) != null;) {
            fail(p, NOT_CONNECTED, node + ": " + why, cause);
        }
    }

    /** The client closes: fail everything, close the channel, refuse further requests. I/O thread. */
    void close() {
        state = ConnectionState.CLOSED;
        apiVersions = null;
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close();
        }
        for (PendingRequest p; (p = inFlight.pollFirst()) != null;) {
            fail(p, CLIENT_CLOSED, "the client closed", null);
        }
        for (PendingRequest p; (p = queue.pollFirst()) != null;) {
            fail(p, CLIENT_CLOSED, "the client closed", null);
        }
    }

    private void fail(PendingRequest p, NetworkClientException.Reason reason, String message, Throwable cause) {
        settle(p, null, new NetworkClientException(reason, message, cause));
    }

    /** Completes a request that was counted in {@link #outstanding}; called exactly once per such request. */
    private void settle(PendingRequest p, Object value, Throwable error) {
        outstanding.decrementAndGet();
        if (error == null) {
            p.future.complete(value);
        } else {
            p.future.completeExceptionally(error);
        }
    }
}
