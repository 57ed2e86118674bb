/**
 * What every Varve client shares: {@link io.varve.client.NetworkClient}, one Netty connection per
 * broker {@link io.varve.client.Node} with ApiVersions negotiation, pipelined requests matched by
 * correlation id, bounded queues, request timeouts and reconnect backoff. The metadata cache, the
 * admin client, the producer and the consumer are built on it.
 *
 * <p>Netty stays inside this package's connection classes; callers see {@link
 * io.varve.protocol.message.ApiRequest}, {@link io.varve.protocol.message.ApiResponse} and
 * {@link java.util.concurrent.CompletableFuture}s. This package may use {@code config} and
 * {@code protocol}, never the broker.
 */
package io.varve.client;
