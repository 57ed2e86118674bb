package io.varve.broker.replica;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.varve.broker.network.NettyRecords;
import io.varve.storage.LogSlice;
import java.nio.ByteBuffer;
import org.slf4j.LoggerFactory;

/**
 * A fetch's slice of a mapped segment, sent to the socket without a copy (DESIGN §5): the network
 * edge writes {@link #retainedSlice()} and calls {@link #close()} when the write is done, which
 * gives the segment's reader reference back so deletion and unmapping may proceed.
 *
 * <p>Owned by one thread at a time: the handler that read it, then the network edge.
 */
public final class LogSliceRecords implements NettyRecords {

    private final LogSlice slice;

    public LogSliceRecords(LogSlice slice) {
        this.slice = slice;
    }

    @Override
    public int sizeInBytes() {
        return slice.sizeInBytes();
    }

    @Override
    public ByteBuf retainedSlice() {
        if (ZERO_COPY) {
            // An unpooled wrapper over the mapped memory; freeing it never frees the mapping.
            return Unpooled.wrappedBuffer(slice.address(), slice.sizeInBytes(), false);
        }
        byte[] copy = new byte[slice.sizeInBytes()];
        slice.buffer().getBytes(0, copy);
        return Unpooled.wrappedBuffer(copy);
    }

    /**
     * Whether Netty may wrap raw memory. It needs {@code -Dio.netty.tryReflectionSetAccessible=true}
     * and {@code --add-opens java.base/java.nio=ALL-UNNAMED} (both in {@code .mvn/jvm.config}); a JVM
     * started without them still serves fetches, by copying, and says so once.
     */
    private static final boolean ZERO_COPY = probeZeroCopy();

    private static boolean probeZeroCopy() {
        ByteBuf probe = Unpooled.directBuffer(1);
        try {
            Unpooled.wrappedBuffer(probe.memoryAddress(), 1, false).release();
            return true;
        } catch (UnsupportedOperationException e) {
            LoggerFactory.getLogger(LogSliceRecords.class).warn("Fetches copy segment bytes: Netty cannot wrap mapped"
                + " memory in this JVM ({}); start it with the flags in .mvn/jvm.config", e.getMessage());
            return false;
        } finally {
            probe.release();
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
