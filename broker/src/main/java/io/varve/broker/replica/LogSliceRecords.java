package io.varve.broker.replica;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.internal.PlatformDependent;
import io.varve.broker.network.NettyRecords;
import io.varve.storage.LogSlice;
import java.nio.ByteBuffer;

/**
 * A fetch's slice of a mapped segment, sent to the socket without a copy (DESIGN §5): the network
 * edge writes {@link #retainedSlice()} and calls {@link #close()} when the write is done, which
 * gives the segment's reader reference back so deletion and unmapping may proceed.
 *
 * <p>Wrapping a raw address needs Netty to reach {@code DirectByteBuffer}'s address constructor,
 * which on JDK 9+ it does only with {@code -Dio.netty.tryReflectionSetAccessible=true} (set in
 * {@code .mvn/jvm.config}). In a JVM without it the bytes are copied once into a pooled buffer
 * instead: slower, never wrong.
 *
 * <p>Owned by one thread at a time: the handler that read it, then the network edge.
 */
public final class LogSliceRecords implements NettyRecords {

    /** Whether Netty can wrap mapped memory in place in this JVM. */
    private static final boolean CAN_WRAP_ADDRESS = PlatformDependent.hasDirectBufferNoCleanerConstructor();

    private final LogSlice slice;
    private final boolean wrapAddress;

    public LogSliceRecords(LogSlice slice) {
        this(slice, CAN_WRAP_ADDRESS);
    }

    /** @param wrapAddress false forces the copying path (tests) */
    LogSliceRecords(LogSlice slice, boolean wrapAddress) {
        this.slice = slice;
        this.wrapAddress = wrapAddress;
    }

    @Override
    public int sizeInBytes() {
        return slice.sizeInBytes();
    }

    @Override
    public ByteBuf retainedSlice() {
        int size = slice.sizeInBytes();
        if (wrapAddress) {
            // An unpooled wrapper over the mapped memory; freeing it never frees the mapping.
            return Unpooled.wrappedBuffer(slice.address(), size, false);
        }
        ByteBuf copy = ByteBufAllocator.DEFAULT.directBuffer(size, size);
        try {
            copyTo(copy.nioBuffer(0, size)); // a view of the buffer's own memory
            return copy.writerIndex(size);
        } catch (RuntimeException e) {
            copy.release();
            throw e;
        }
    }

    @Override
    public void copyTo(ByteBuffer dst) {
        slice.buffer().getBytes(0, dst, dst.position(), slice.sizeInBytes());
        dst.position(dst.position() + slice.sizeInBytes());
    }

    @Override
    public void close() {
        slice.close();
    }
}
