/**
 * What every Varve client shares: {@link io.varve.client.NetworkClient}, one Netty connection per
 * broker {@link io.varve.client.Node} with ApiVersions negotiation, pipelined requests matched by
 * correlation id, bounded queues, request timeouts and reconnect backoff. The metadata cache, the
 * admin client, the producer and the consumer are built on it.
 *
 * <p>Netty stays inside this package's connection classes; callers see the generated messages
 * ({@link io.varve.protocol.generated.GeneratedMessage}), a {@link io.varve.client.RequestBuilder}
 * that builds a request once its version is negotiated, and {@link
 * java.util.concurrent.CompletableFuture}s. What versions the client implements is
 * {@link io.varve.client.ClientApiVersions}, apart from the broker's served table. This package may
 * use {@code config} and {@code protocol}, never the broker.
 */
package io.varve.client;
