package io.varve.broker.network;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * What serves a controller listener: whole frames in, whole frames out, with no knowledge of Netty.
 * The controller RPCs ({@code io.varve.raft.rpc}) are decoded behind it, so this edge stays ignorant
 * of Raft and the controller (see {@code ArchitectureTest}).
 *
 * <p>Implementations must be thread-safe: every event loop calls them.
 */
public interface FrameHandler {

    /**
     * Handles one frame body (size prefix removed; the buffer is the handler's).
     *
     * @param reply takes a whole response frame, size prefix included; may be called from any thread, once
     * @throws io.varve.protocol.codec.MalformedMessageException when the frame does not decode: the
     *         connection is closed and counted
     */
    void onFrame(ByteBuffer body, Consumer<ByteBuffer> reply);
}
