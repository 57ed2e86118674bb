package io.varve.broker.network;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link NettyRecords} over a {@link ByteBuf} whose one reference this object owns: {@link #close()}
 * releases it (once, however often it is called). Thread-safe for close; the bytes are read-only.
 */
public final class ByteBufRecords implements NettyRecords {

    private final ByteBuf buf;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Takes ownership of {@code buf}'s reference; its readable bytes are the records. */
    public ByteBufRecords(ByteBuf buf) {
        this.buf = buf;
    }

    @Override
    public int sizeInBytes() {
        return buf.readableBytes();
    }

    @Override
    public void copyTo(ByteBuffer dst) {
        int n = buf.readableBytes();
        buf.getBytes(buf.readerIndex(), dst.duplicate().limit(dst.position() + n));
        dst.position(dst.position() + n);
    }

    @Override
    public ByteBuf retainedSlice() {
        return buf.retainedSlice();
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            buf.release();
        }
    }
}
