package io.varve.broker.network;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.varve.common.Clock;
import io.varve.config.BrokerConfig;
import io.varve.config.Listener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker's TCP server: binds every configured listener and gives each accepted connection the
 * pipeline {@code IdleStateHandler → FlushConsolidationHandler → FrameDecoder → FirstRequestDeadline →
 * RequestDecoder → ResponseEncoder → RequestDispatcher}. Uses epoll where available, else NIO; one
 * acceptor thread and {@code num.network.threads} event loops (0: one per available processor). A
 * controller listener, when a {@link FrameHandler} serves it, gets {@code IdleStateHandler → FrameDecoder →
 * FirstRequestDeadline → FrameChannelHandler} instead and carries the internal RPCs only; the client
 * listeners never decode those (their API keys are unknown there, so such a frame closes the connection).
 *
 * <p>Limits (DESIGN §8), each counted in {@link NetworkMetrics}. The listeners form two groups, the
 * client listeners and the controller listeners, and each group has budgets of its own (Kafka runs its
 * controller on a socket server of its own and exempts its inter-broker listener, KIP-402), so clients
 * can never lock brokers and voters out of the controller listener:
 * <ul>
 *   <li>{@code max.connections} open in the group and {@code max.connections.per.ip} from one remote
 *       address in the group ({@link ConnectionQuotas}); one more is closed as soon as it is accepted;</li>
 *   <li>{@code queued.max.request.bytes} of request frames held by the group's decoders
 *       ({@link RequestBytesBudget}); past it, connections holding part of a frame are not read;</li>
 *   <li>every connection: its first whole request within {@code connections.first.request.timeout.ms},
 *       then {@code connections.max.idle.ms} without reads or writes at most; a client connection has at
 *       most {@code connection.max.inflight.requests} requests outstanding.</li>
 * </ul>
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #close()}; not restartable. Thread-safe.
 */
public final class NetworkServer implements AutoCloseable {

    /** How long {@link #close()} waits for the event loops to finish. */
    private static final long SHUTDOWN_TIMEOUT_MS = 10_000;

    private final BrokerConfig config;
    private final RequestHandler handler;
    private final NetworkMetrics metrics;
    private final Clock clock;
    private final FrameHandler controllerHandler;
    private final boolean epoll = Epoll.isAvailable();
    private final AtomicLong connectionIds = new AtomicLong();
    /** Set once by {@link #start()}, before any connection is accepted. */
    private volatile ListenerGroup clientGroup;
    private volatile ListenerGroup controllerGroup;
    private final Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private ChannelGroup channels;
    private boolean started;

    public NetworkServer(BrokerConfig config, RequestHandler handler, NetworkMetrics metrics, Clock clock) {
        this(config, handler, null, metrics, clock);
    }

    /**
     * @param controllerHandler serves the listeners named in {@code controller.listener.names} (the
     *                          internal RPCs only; client APIs are not served there), or null to serve
     *                          every listener as a client listener
     */
    public NetworkServer(BrokerConfig config, RequestHandler handler, FrameHandler controllerHandler,
                         NetworkMetrics metrics, Clock clock) {
        this.config = config;
        this.handler = handler;
        this.controllerHandler = controllerHandler;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Binds every listener. On failure whatever was bound is closed again and the cause is thrown.
     *
     * @throws IllegalStateException when called twice
     */
    public synchronized void start() throws InterruptedException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        Map<InetAddress, Integer> overrides = resolveOverrides();
        clientGroup = new ListenerGroup(overrides);
        controllerGroup = new ListenerGroup(overrides);
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        int threads = config.numNetworkThreads() == 0 ? Runtime.getRuntime().availableProcessors() : config.numNetworkThreads();
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("varve-acceptor", true), io);
        workerGroup = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("varve-network", true), io);
        channels = new DefaultChannelGroup("varve-network", ImmediateEventExecutor.INSTANCE);
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        try {
            for (Listener listener : config.listeners()) {
                ServerBootstrap b = new ServerBootstrap()
                    .group(bossGroup, workerGroup)
                    .channel(channelClass)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childHandler(new ConnectionInitializer(listener.name()));
                InetSocketAddress address = listener.host().isEmpty()
                    ? new InetSocketAddress(listener.port()) : new InetSocketAddress(listener.host(), listener.port());
                Channel server = b.bind(address).sync().channel();
                channels.add(server);
                bound.put(listener.name(), (InetSocketAddress) server.localAddress());
            }
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The address each listener is bound to, by listener name, with the real port where 0 was asked. */
    public synchronized Map<String, InetSocketAddress> boundAddresses() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(bound));
    }

    /** The port {@code listenerName} is bound to. */
    public synchronized int boundPort(String listenerName) {
        InetSocketAddress address = bound.get(listenerName);
        if (address == null) {
            throw new IllegalArgumentException("no bound listener " + listenerName);
        }
        return address.getPort();
    }

    /** Whether the native epoll transport is in use (else NIO). */
    public boolean usesEpoll() {
        return epoll;
    }

    /** Connections open now on the client listeners. */
    public int openConnections() {
        return clientGroup == null ? 0 : clientGroup.connections.open();
    }

    /** Connections open now on the controller listeners. */
    public int openControllerConnections() {
        return controllerGroup == null ? 0 : controllerGroup.connections.open();
    }

    /** The most bytes of request frames the client listeners held at once (for tests). */
    long clientRequestBytesPeak() {
        return clientGroup.requestBytes.peakBytes();
    }

    /** Bytes of request frames the client listeners hold now (for tests). */
    long clientRequestBytes() {
        return clientGroup.requestBytes.heldBytes();
    }

    /** Closes the listeners and every connection, then stops the event loops. Idempotent. */
    @Override
    public synchronized void close() {
        if (channels != null) {
            channels.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        bound.clear();
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            workerGroup.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            bossGroup.terminationFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            workerGroup.terminationFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Host names in {@code max.connections.per.ip.overrides} are resolved once, as Kafka does. */
    private Map<InetAddress, Integer> resolveOverrides() {
        Map<InetAddress, Integer> out = new HashMap<>();
        config.maxConnectionsPerIpOverrides().forEach((host, count) -> {
            try {
                out.put(InetAddress.getByName(host), count);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(BrokerConfig.MAX_CONNECTIONS_PER_IP_OVERRIDES
                    + ": cannot resolve " + host, e);
            }
        });
        return out;
    }

    /** Whether {@code listenerName} carries the controller RPCs (else it serves the client APIs). */
    private boolean isControllerListener(String listenerName) {
        return controllerHandler != null && config.controllerListenerNames().contains(listenerName);
    }

    /** The budgets one group of listeners shares. */
    private final class ListenerGroup {
        final ConnectionQuotas connections;
        final RequestBytesBudget requestBytes;

        ListenerGroup(Map<InetAddress, Integer> overrides) {
            connections = new ConnectionQuotas(config.maxConnections(), config.maxConnectionsPerIp(), overrides);
            requestBytes = RequestBytesBudget.of(config.queuedMaxRequestBytes(), metrics);
        }
    }

    /** Builds the pipeline of one accepted connection, or refuses it. */
    private final class ConnectionInitializer extends ChannelInitializer<SocketChannel> {
        private final String listenerName;

        ConnectionInitializer(String listenerName) {
            this.listenerName = listenerName;
        }

        @Override
        protected void initChannel(SocketChannel ch) {
            boolean controller = isControllerListener(listenerName);
            ListenerGroup group = controller ? controllerGroup : clientGroup;
            InetAddress address = ch.remoteAddress().getAddress();
            ConnectionQuotas.Refusal refusal = group.connections.tryAdmit(address);
            if (refusal != ConnectionQuotas.Refusal.NONE) {
                if (refusal == ConnectionQuotas.Refusal.MAX_CONNECTIONS) {
                    metrics.onConnectionRefused();
                } else {
                    metrics.onConnectionRefusedPerIp();
                }
                ch.close();
                return;
            }
            metrics.onConnectionAccepted();
            ch.closeFuture().addListener(f -> {
                group.connections.release(address);
                metrics.onConnectionClosed();
            });
            channels.add(ch);
            FrameDecoder frames = new FrameDecoder(config.socketRequestMaxBytes(), group.requestBytes, metrics);
            IdleStateHandler idle = new IdleStateHandler(0, 0, config.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS);
            FirstRequestDeadline firstRequest = new FirstRequestDeadline(config.connectionsFirstRequestTimeoutMs(), metrics);
            if (controller) {
                ch.pipeline().addLast(idle, frames, firstRequest, new FrameChannelHandler(controllerHandler, metrics));
                return;
            }
            ch.pipeline().addLast(
                idle,
                new FlushConsolidationHandler(),
                frames,
                firstRequest,
                new RequestDecoder(metrics, clock),
                new ResponseEncoder(metrics),
                new RequestDispatcher(handler, metrics, frames, config.connectionMaxInflightRequests(),
                    connectionIds.incrementAndGet(), listenerName));
        }
    }
}
