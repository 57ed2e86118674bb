package io.varve.broker.network;

import io.varve.protocol.generated.GeneratedMessage;

/**
 * Serves decoded requests: the boundary between the network edge and the broker's logic.
 *
 * <p>{@link #handle} runs on the connection's event loop and must not block: short, bounded work
 * (validate, append under the partition's lock, read a slice) may happen inline; anything that waits
 * goes to a purgatory and answers later through {@code done} from whatever thread completes it.
 * The edge only reaches this interface with well-formed requests whose version is inside the API's
 * supported band.
 *
 * <p>Lifetime: the request, and in particular any records it carries (Produce), are views of the
 * request frame, which is released as soon as {@code handle} returns. A handler that needs record
 * bytes afterwards must copy them (or append them to the log) before returning.
 *
 * <p>A handler that throws has its request answered with {@code UNKNOWN_SERVER_ERROR} (unless it
 * had already answered) and {@link NetworkMetrics#handlerErrors()} counted.
 *
 * <p>Implementations must be thread-safe: one handler serves every connection and event loop.
 */
@FunctionalInterface
public interface RequestHandler {

    void handle(RequestContext context, GeneratedMessage request, ResponseCallback done);
}
