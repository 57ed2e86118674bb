package io.varve.broker.network;

import io.netty.buffer.ByteBuf;
import io.varve.protocol.codec.Records;

/**
 * Records the network edge can send without copying: a fetch's slice of a mapped segment wrapped
 * as a {@link ByteBuf}. The {@link ResponseEncoder} adds {@link #retainedSlice()} to the response
 * frame as is and calls {@link #close()} exactly once when the write completes or fails or the
 * connection closes first: that is where the segment's reader reference is given back (DESIGN §5).
 * Other {@link Records} are copied into the frame.
 */
public interface NettyRecords extends Records, AutoCloseable {

    /** The bytes as a buffer the caller owns (one reference), {@link #sizeInBytes()} readable bytes. */
    ByteBuf retainedSlice();

    /** Gives back whatever backs the bytes; called once by the network edge. */
    @Override
    void close();
}
