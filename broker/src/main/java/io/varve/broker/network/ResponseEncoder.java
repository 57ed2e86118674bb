package io.varve.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.codec.Records;
import io.varve.protocol.generated.ApiMessageType;
import io.varve.protocol.generated.GeneratedMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes an {@link OutboundResponse} into one size-prefixed frame:
 * {@code size int32 | response header | body}. The frame is a {@link CompositeByteBuf}: the
 * encoder's bytes are copied into pooled buffers, {@link NettyRecords} are added as retained slices
 * without copying (and closed when the write completes or fails, which includes the connection
 * closing first), other {@link Records} are copied.
 *
 * <p>Not thread-safe: one instance per connection (it reuses one {@link ProtocolWriter}).
 */
final class ResponseEncoder extends ChannelOutboundHandlerAdapter {

    private final NetworkMetrics metrics;
    private final ProtocolWriter writer = new ProtocolWriter();

    ResponseEncoder(NetworkMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof OutboundResponse response)) {
            ctx.write(msg, promise);
            return;
        }
        List<NettyRecords> owned = new ArrayList<>(0);
        ByteBuf frame;
        try {
            frame = encode(ctx.alloc(), writer, response, owned);
        } catch (RuntimeException | Error e) {
            closeRecordsIn(writer);
            promise.setFailure(e);
            return;
        }
        long bytes = frame.readableBytes();
        promise.addListener(f -> {
            closeAll(owned);
            if (f.isSuccess()) {
                metrics.onBytesOut(bytes);
            }
        });
        ctx.write(frame, promise);
    }

    /**
     * Encodes {@code response} into a frame that the caller owns. The {@link NettyRecords} whose
     * slices the frame holds are added to {@code owned}; the caller closes them once the frame is
     * written. On failure the frame is released and nothing is added to {@code owned}.
     */
    static ByteBuf encode(ByteBufAllocator alloc, ProtocolWriter writer, OutboundResponse response,
                          List<NettyRecords> owned) {
        writer.reset();
        writer.writeInt32(response.correlationId());
        if (ApiMessageType.forApiKey(response.apiKey().id).responseHeaderVersion(response.version()) >= 1) {
            writer.writeEmptyTaggedFields();
        }
        response.body().write(writer, response.version());
        long size = writer.size();
        if (size > Integer.MAX_VALUE - FrameDecoder.SIZE_PREFIX_BYTES) {
            throw new IllegalStateException("response of " + size + " bytes does not fit one frame");
        }
        FrameBuilder builder = new FrameBuilder(alloc, writer.position(), (int) size);
        ByteBuf frame;
        try {
            writer.forEachChunk(builder);
            frame = builder.finish();
        } catch (RuntimeException | Error e) {
            builder.releaseAll();
            throw e;
        }
        owned.addAll(builder.zeroCopy);
        return frame;
    }

    /**
     * Closes the {@link NettyRecords} inside a response that will never be written (its connection
     * closed before its turn): the network edge owns them from the moment the handler responded.
     */
    static void discard(GeneratedMessage response, short version) {
        if (response == null) {
            return;
        }
        ProtocolWriter scratch = new ProtocolWriter();
        try {
            response.write(scratch, version);
        } finally {
            closeRecordsIn(scratch);
        }
    }

    private static void closeRecordsIn(ProtocolWriter w) {
        w.forEachChunk(new ProtocolWriter.ChunkVisitor() {
            @Override
            public void onBytes(byte[] bytes, int offset, int length) {
            }

            @Override
            public void onRecords(Records records) {
                if (records instanceof NettyRecords nr) {
                    nr.close();
                }
            }
        });
        w.reset();
    }

    private static void closeAll(List<NettyRecords> records) {
        for (NettyRecords r : records) {
            r.close();
        }
    }

    /** Builds the composite frame chunk by chunk. */
    private static final class FrameBuilder implements ProtocolWriter.ChunkVisitor {
        private final ByteBufAllocator alloc;
        private final CompositeByteBuf frame;
        private final List<NettyRecords> zeroCopy = new ArrayList<>(0);
        private ByteBuf current;

        FrameBuilder(ByteBufAllocator alloc, int ownBytes, int size) {
            this.alloc = alloc;
            // Never let the composite consolidate: that would copy the zero-copy slices.
            this.frame = alloc.compositeBuffer(Integer.MAX_VALUE);
            this.current = alloc.ioBuffer(Math.min(FrameDecoder.SIZE_PREFIX_BYTES + ownBytes, 64 * 1024));
            current.writeInt(size);
        }

        @Override
        public void onBytes(byte[] bytes, int offset, int length) {
            current.writeBytes(bytes, offset, length);
        }

        @Override
        public void onRecords(Records records) {
            addCurrent();
            int n = records.sizeInBytes();
            if (records instanceof NettyRecords nr) {
                ByteBuf slice = nr.retainedSlice();
                if (slice.readableBytes() != n) {
                    slice.release();
                    throw new IllegalStateException("records slice of " + slice.readableBytes() + " bytes, expected " + n);
                }
                frame.addComponent(true, slice);
                zeroCopy.add(nr);
            } else {
                ByteBuf copy = alloc.ioBuffer(n);
                try {
                    records.copyTo(copy.nioBuffer(0, n));
                    copy.writerIndex(n);
                } catch (RuntimeException | Error e) {
                    copy.release();
                    throw e;
                }
                frame.addComponent(true, copy);
            }
            current = alloc.ioBuffer();
        }

        private void addCurrent() {
            ByteBuf c = current;
            current = null;
            if (c.isReadable()) {
                frame.addComponent(true, c);
            } else {
                c.release();
            }
        }

        /** Adds the bytes after the last records chunk and returns the frame. */
        ByteBuf finish() {
            addCurrent();
            return frame;
        }

        void releaseAll() {
            if (current != null) {
                current.release();
                current = null;
            }
            frame.release();
        }
    }
}
