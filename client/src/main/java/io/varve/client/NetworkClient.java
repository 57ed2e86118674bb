package io.varve.client;

import static io.varve.client.NetworkClientException.Reason.CLIENT_CLOSED;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.varve.common.Clock;
import io.varve.config.ClientConfig;
import io.varve.protocol.ApiKey;
import io.varve.protocol.generated.GeneratedMessage;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The transport every Varve client shares: one connection per broker {@link Node}, opened on first
 * use, with the Kafka request pipeline on top.
 *
 * <ul>
 *   <li><b>Versions.</b> A new connection first exchanges ApiVersions (v4, retrying once at the
 *       broker's highest version when it answers UNSUPPORTED_VERSION) and from then on sends each API
 *       at {@link NodeApiVersions#usableVersion the highest version both sides support}. A request
 *       for an API without a common version fails with
 *       {@link NetworkClientException.Reason#UNSUPPORTED_VERSION UNSUPPORTED_VERSION}.</li>
 *   <li><b>Pipelining.</b> At most {@code max.in.flight.requests.per.connection} requests are in flight
 *       per connection, answered in order and matched by correlation id; a response that does not
 *       match fails the connection. Further requests wait in a queue bounded by
 *       {@code max.queued.requests.per.connection}; beyond it a send fails at once with
 *       {@link NetworkClientException.Reason#QUEUE_FULL QUEUE_FULL}.</li>
 *   <li><b>Timeouts.</b> A request fails with {@link NetworkClientException.Reason#REQUEST_TIMED_OUT
 *       REQUEST_TIMED_OUT} {@code request.timeout.ms} after the call that sent it; if it was in
 *       flight, its connection is closed as well, since later responses could not be matched.</li>
 *   <li><b>Failures and reconnects.</b> A failed connection fails its in-flight requests with
 *       {@link NetworkClientException.Reason#DISCONNECTED DISCONNECTED} and enters a backoff of
 *       {@link ExponentialBackoff} ({@code reconnect.backoff.ms} doubling up to
 *       {@code reconnect.backoff.max.ms}, jittered by the injected {@link Random}); sends during the
 *       backoff fail at once with {@link NetworkClientException.Reason#NOT_CONNECTED NOT_CONNECTED},
 *       and the first send after it reconnects. Callers retry retriable failures after
 *       {@code retry.backoff.ms}. Response frames over {@code max.response.bytes} fail the
 *       connection before anything is allocated for them.</li>
 * </ul>
 *
 * <p><b>Time.</b> Deadlines and backoffs are read from the injected {@link Clock}; a timer on the I/O
 * thread checks them every few milliseconds, so a test with a manual clock moves time by hand.
 *
 * <p><b>Threads.</b> Thread-safe: every method may be called from any thread. The client owns one
 * Netty event loop (one daemon I/O thread, NIO) that all its connections share and that owns all
 * connection state. Futures complete on that thread: callbacks must be short and must not block
 * (use the {@code ...Async} variants of {@link CompletableFuture} to move work elsewhere).
 * Host names are resolved on that thread when a connection opens.
 *
 * <p><b>Buffers.</b> A response is decoded from a heap copy of its frame, so the response and any
 * records inside it stay valid for as long as the caller holds them and need no release. A request's
 * records buffer is sent without a copy: leave it unchanged until the request's future completes.
 */
public final class NetworkClient implements AutoCloseable {

    /** How often the I/O thread checks deadlines against the clock. */
    static final long DEFAULT_TICK_INTERVAL_MS = 10L;
    private static final long CLOSE_AWAIT_MS = 5_000L;

    private final ClientConfig config;
    private final Clock clock;
    private final EventLoopGroup group;
    private final ClientContext ctx;
    private final ConcurrentHashMap<Node, NodeConnection> connections = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledFuture<?> ticker;

    /**
     * Starts the I/O thread; connections open on first use.
     *
     * @param config the shared client config
     * @param clock  the source of time for timeouts and backoffs
     * @param random the source of backoff jitter: seed it for reproducible runs. Drawn only from the I/O thread.
     */
    public NetworkClient(ClientConfig config, Clock clock, Random random) {
        this(config, clock, random, DEFAULT_TICK_INTERVAL_MS);
    }

    NetworkClient(ClientConfig config, Clock clock, Random random, long tickIntervalMs) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        String threadName = "varve-client-io" + (config.clientId().isEmpty() ? "" : "-" + config.clientId());
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadName, true), NioIoHandler.newFactory());
        EventLoop loop = group.next();
        this.ctx = new ClientContext(config, clock, random,
            ExponentialBackoff.of(config.reconnectBackoffMs(), config.reconnectBackoffMaxMs()), loop, this);
        this.ticker = loop.scheduleWithFixedDelay(this::onTick, tickIntervalMs, tickIntervalMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Sends {@code request} to {@code node} and completes with its response, which is of the
     * response type of the request's API. Times out after {@code request.timeout.ms}. Use this for a
     * request whose fields mean the same at every version the client implements; otherwise
     * {@link #send(Node, ApiKey, RequestBuilder)}.
     *
     * <p>The future fails with {@link NetworkClientException} for the expected failures (see the
     * reasons), and with the encoder's exception if the request cannot be encoded at the negotiated
     * version.
     */
    public CompletableFuture<GeneratedMessage> send(Node node, GeneratedMessage request) {
        return send(node, apiKeyOf(request), v -> request, config.requestTimeoutMs());
    }

    /** As {@link #send(Node, GeneratedMessage)}, with its own timeout. */
    public CompletableFuture<GeneratedMessage> send(Node node, GeneratedMessage request, long timeoutMs) {
        return send(node, apiKeyOf(request), v -> request, timeoutMs);
    }

    /**
     * Sends the request {@code builder} makes at the version negotiated with {@code node} for
     * {@code apiKey} (see {@link RequestBuilder}); completes with the response.
     */
    public CompletableFuture<GeneratedMessage> send(Node node, ApiKey apiKey, RequestBuilder builder) {
        return send(node, apiKey, builder, config.requestTimeoutMs());
    }

    /** As {@link #send(Node, ApiKey, RequestBuilder)}, with its own timeout (for example a CreateTopics that waits on the broker). */
    public CompletableFuture<GeneratedMessage> send(Node node, ApiKey apiKey, RequestBuilder builder, long timeoutMs) {
        PendingRequest p = submit(node, apiKey, builder, true, timeoutMs);
        return p.future.thenApply(GeneratedMessage.class::cast);
    }

    /**
     * Sends a request the broker does not answer (Produce with {@code acks=0}). The future completes
     * once the request is written to the socket; it is ordered with the connection's other requests
     * but takes no in-flight slot.
     */
    public CompletableFuture<Void> sendNoResponse(Node node, ApiKey apiKey, RequestBuilder builder) {
        PendingRequest p = submit(node, apiKey, builder, false, config.requestTimeoutMs());
        return p.future.thenApply(ignored -> null);
    }

    /** As {@link #sendNoResponse(Node, ApiKey, RequestBuilder)}, for a request that means the same at every version. */
    public CompletableFuture<Void> sendNoResponse(Node node, GeneratedMessage request) {
        return sendNoResponse(node, apiKeyOf(request), v -> request);
    }

    private static ApiKey apiKeyOf(GeneratedMessage request) {
        Objects.requireNonNull(request, "request");
        ApiKey key = ApiKey.forId(request.apiKey());
        if (key == null) {
            throw new IllegalArgumentException("API " + request.apiKey() + " is not one the client sends");
        }
        return key;
    }

    private PendingRequest submit(Node node, ApiKey apiKey, RequestBuilder builder, boolean expectResponse,
            long timeoutMs) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(builder, "builder");
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("timeout must be positive: " + timeoutMs);
        }
        PendingRequest p = new PendingRequest(apiKey, builder, expectResponse,
            clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs));
        if (closed.get()) {
            p.future.completeExceptionally(new NetworkClientException(CLIENT_CLOSED, "the client is closed"));
            return p;
        }
        connections.computeIfAbsent(node, n -> new NodeConnection(n, ctx)).submit(p);
        return p;
    }

    /** The state of the connection to {@code node}; {@link ConnectionState#DISCONNECTED} if none was ever opened. */
    public ConnectionState connectionState(Node node) {
        if (closed.get()) {
            return ConnectionState.CLOSED;
        }
        NodeConnection c = connections.get(node);
        return c == null ? ConnectionState.DISCONNECTED : c.state();
    }

    /** The versions negotiated with {@code node}, while its connection is ready. */
    public Optional<NodeApiVersions> apiVersions(Node node) {
        NodeConnection c = connections.get(node);
        return Optional.ofNullable(c == null ? null : c.apiVersions());
    }

    /** The version {@code key} is sent to {@code node} at, or -1 when not connected or no version is shared. */
    public short usableVersion(Node node, ApiKey key) {
        return apiVersions(node).map(v -> v.usableVersion(key)).orElse((short) -1);
    }

    /** Requests to {@code node} in flight or queued: the load used to pick the least loaded node. */
    public int outstandingRequests(Node node) {
        NodeConnection c = connections.get(node);
        return c == null ? 0 : c.outstanding();
    }

    /**
     * Milliseconds until {@code node} may be sent to again: the rest of its reconnect backoff, 0 when
     * it is not backing off. A caller that got {@link NetworkClientException.Reason#NOT_CONNECTED}
     * waits this long, or picks another node.
     */
    public long connectionDelayMs(Node node) {
        NodeConnection c = connections.get(node);
        return c == null ? 0L : c.connectionDelayMs(clock.nanoTime());
    }

    boolean isClosed() {
        return closed.get();
    }

    private void onTick() {
        long nowNs = clock.nanoTime();
        for (NodeConnection c : connections.values()) {
            c.onTick(nowNs);
        }
    }

    /**
     * Fails every outstanding request with {@link NetworkClientException.Reason#CLIENT_CLOSED}, closes
     * every connection and stops the I/O thread, waiting up to 5 s for it (not at all when called from
     * a callback on that thread). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        EventLoop loop = ctx.loop();
        try {
            loop.execute(() -> {
                ticker.cancel(false);
                for (NodeConnection c : connections.values()) {
                    c.close();
                }
            });
        } catch (RejectedExecutionException e) {
            // Already shutting down: nothing left to close.
        }
        var terminated = group.shutdownGracefully(0, CLOSE_AWAIT_MS, TimeUnit.MILLISECONDS);
        if (!loop.inEventLoop()) {
            terminated.awaitUninterruptibly(CLOSE_AWAIT_MS, TimeUnit.MILLISECONDS);
        }
    }
}
