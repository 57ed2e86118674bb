package io.varve.broker.network;

import io.varve.protocol.generated.GeneratedMessage;

/**
 * Where a {@link RequestHandler} puts its answer. Thread-safe: it may be called from any thread, at
 * once inside {@code handle} or later (from a purgatory, a timer, another event loop).
 */
@FunctionalInterface
public interface ResponseCallback {

    /**
     * Answers the request, exactly once. The response is written after the responses of every earlier
     * request of the connection. {@code null} sends nothing (Produce with {@code acks=0}) but still
     * frees the request's in-flight slot.
     *
     * <p>Ownership of any {@link NettyRecords} inside the response passes to the network edge, which
     * closes it once the bytes are written, the write fails or the connection is gone.
     *
     * @throws IllegalStateException    when the request was already answered
     * @throws IllegalArgumentException when the response belongs to another API
     */
    void respond(GeneratedMessage response);
}
