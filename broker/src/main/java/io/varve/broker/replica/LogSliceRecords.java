package io.varve.broker.replica;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.varve.broker.network.NettyRecords;
import io.varve.storage.LogSlice;
import java.nio.ByteBuffer;

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
        // An unpooled wrapper over the mapped memory; freeing it never frees the mapping.
        return Unpooled.wrappedBuffer(slice.address(), slice.sizeInBytes(), false);
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
