package io.varve.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.generated.ApiMessageType;
import io.varve.protocol.generated.ApiVersionsRequest;
import io.varve.protocol.generated.ApiVersionsResponse;
import io.varve.protocol.generated.ApiVersionsResponse.ApiVersion;
import io.varve.protocol.generated.ApiVersionsResponse.SupportedFeatureKey;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.RequestHeader;
import io.varve.protocol.generated.ResponseHeader;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A broker that speaks just enough Kafka for the client's tests, on 127.0.0.1. The first ApiVersions
 * of each connection is the handshake, answered with {@link #advertised} (or UNSUPPORTED_VERSION in
 * a v0 body when its version is above {@link #maxApiVersionsVersion}); every later request goes to
 * {@link #handler}, which by default echoes: an ApiVersions request named {@code n} is answered with
 * one supported feature named {@code n}. Thread-safe: settings are volatile, handlers run on the
 * broker's own event loop.
 */
final class FakeBroker implements AutoCloseable {

    private static final AttributeKey<Boolean> HANDSHAKEN = AttributeKey.valueOf("handshaken");

    /** One request the broker received after the handshake. */
    record Exchange(Channel channel, RequestHeader header, ByteBuffer body) {

        ApiVersionsRequest apiVersionsRequest() {
            return ApiVersionsRequest.read(new ProtocolReader(body), header.requestApiVersion());
        }

        /** Answers with {@code response} at the request's version. */
        void respond(GeneratedMessage response) {
            respond(header.correlationId(), response);
        }

        /** Answers under any correlation id (to provoke a mismatch). */
        void respond(int correlationId, GeneratedMessage response) {
            ProtocolWriter w = new ProtocolWriter();
            w.writeInt32(0);
            ApiMessageType type = ApiMessageType.forApiKey(header.requestApiKey());
            new ResponseHeader(correlationId).write(w, type.responseHeaderVersion(header.requestApiVersion()));
            response.write(w, header.requestApiVersion());
            w.putInt32At(0, (int) w.size() - 4);
            channel.writeAndFlush(Unpooled.wrappedBuffer(w.toByteBuffer()));
        }

        /** The default answer: an ApiVersions response naming the request's client software name. */
        void echo() {
            respond(echoOf(apiVersionsRequest().clientSoftwareName()));
        }

        void close() {
            channel.close();
        }
    }

    /** Varve's served table, as its broker advertises it. */
    static List<ApiVersion> servedTable() {
        List<ApiVersion> out = new java.util.ArrayList<>();
        for (ApiKey key : ApiKey.values()) {
            out.add(new ApiVersion(key.id, key.servedMinVersion, key.servedMaxVersion));
        }
        return List.copyOf(out);
    }

    static ApiVersionsResponse echoOf(String name) {
        return ApiVersionsResponse.builder()
            .supportedFeatures(List.of(new SupportedFeatureKey(name, (short) 0, (short) 0))).build();
    }

    volatile List<ApiVersion> advertised = servedTable();
    volatile short maxApiVersionsVersion = ClientApiVersions.maxVersion(ApiKey.API_VERSIONS);
    volatile boolean answerHandshake = true;
    volatile Consumer<Exchange> handler = Exchange::echo;

    /** Versions of every handshake ApiVersions received, in order. */
    final List<Short> handshakeVersions = new CopyOnWriteArrayList<>();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    /** Requests a {@link #hold()} handler keeps for the test to answer. */
    final BlockingQueue<Exchange> held = new LinkedBlockingQueue<>();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;
    private final AtomicBoolean stopped = new AtomicBoolean();

    FakeBroker() {
        this(0);
    }

    /** Binds 127.0.0.1 at {@code port}, 0 for any free one. */
    FakeBroker(int port) {
        server = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    accepted.incrementAndGet();
                    children.add(ch);
                    ch.closeFuture().addListener(f -> closed.incrementAndGet());
                    ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4), new RequestHandler());
                }
            })
            .bind("127.0.0.1", port).syncUninterruptibly().channel();
    }

    int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    Node node(int id) {
        return new Node(id, "127.0.0.1", port());
    }

    /** Makes the handler keep every request in {@link #held} unanswered. */
    FakeBroker hold() {
        handler = held::add;
        return this;
    }

    /** Takes the next held request, failing the test after 5 s. */
    Exchange nextHeld() throws InterruptedException {
        Exchange e = held.poll(5, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no request reached the broker within 5 s");
        }
        return e;
    }

    /** Stops listening and closes every connection. Idempotent. */
    @Override
    public void close() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        server.close().syncUninterruptibly();
        children.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class RequestHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            ByteBuffer frame = ByteBuffer.allocate(buf.readableBytes());
            try {
                buf.readBytes(frame);
            } finally {
                buf.release();
            }
            ProtocolReader reader = new ProtocolReader(frame.flip());
            short apiKey = frame.getShort(0);
            short apiVersion = frame.getShort(2);
            ApiMessageType type = ApiMessageType.forApiKey(apiKey);
            RequestHeader header = RequestHeader.read(reader, type.requestHeaderVersion(apiVersion));
            ByteBuffer body = frame.slice(reader.position(), reader.remaining());
            Exchange exchange = new Exchange(ctx.channel(), header, body);
            if (header.requestApiKey() == ApiKey.API_VERSIONS.id && ctx.channel().attr(HANDSHAKEN).get() == null) {
                handshake(exchange);
            } else {
                handler.accept(exchange);
            }
        }

        private void handshake(Exchange exchange) {
            short version = exchange.header().requestApiVersion();
            handshakeVersions.add(version);
            if (!answerHandshake) {
                return;
            }
            if (version > maxApiVersionsVersion) {
                // As Kafka does: a v0 body with the error and the broker's band, under a v0 header.
                ProtocolWriter w = new ProtocolWriter();
                w.writeInt32(0).writeInt32(exchange.header().correlationId());
                ApiVersionsResponse.builder().errorCode(Errors.UNSUPPORTED_VERSION.code).apiKeys(advertised).build()
                    .write(w, (short) 0);
                w.putInt32At(0, (int) w.size() - 4);
                exchange.channel().writeAndFlush(Unpooled.wrappedBuffer(w.toByteBuffer()));
                return;
            }
            exchange.channel().attr(HANDSHAKEN).set(Boolean.TRUE);
            exchange.respond(ApiVersionsResponse.builder().apiKeys(advertised).build());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
