package io.varve.consumer;

import io.varve.client.Node;
import io.varve.client.RequestBuilder;
import io.varve.client.metadata.Cluster;
import io.varve.protocol.ApiKey;
import io.varve.protocol.generated.GeneratedMessage;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * What the consumer needs from the cluster: requests to brokers, the metadata cache, and a way to
 * let time pass until something happens. {@link ClientNetwork} is the real one over
 * {@code NetworkClient} and {@code MetadataManager}; tests give a fake that answers in memory and
 * moves a manual clock in {@link #await}.
 *
 * <p>{@link #send} and the metadata calls are thread-safe; {@link #await} is called by the polling
 * thread only.
 */
interface ConsumerNetwork extends AutoCloseable {

    /**
     * Sends the request {@code request} builds at the version negotiated with {@code node} for
     * {@code apiKey}; the future fails with {@code NetworkClientException} when no answer came.
     */
    CompletableFuture<GeneratedMessage> send(Node node, ApiKey apiKey, RequestBuilder request);

    /** As {@link #send(Node, ApiKey, RequestBuilder)} with its own timeout (a JoinGroup the coordinator holds for a rebalance). */
    default CompletableFuture<GeneratedMessage> send(Node node, ApiKey apiKey, RequestBuilder request, long timeoutMs) {
        return send(node, apiKey, request);
    }

    /** Describes every topic in the cluster (pattern subscriptions), without tracking them. */
    CompletableFuture<Cluster> describeAll();

    /** The latest metadata snapshot. */
    Cluster cluster();

    /** Adds topics to those the metadata describes. */
    void track(Collection<String> topics);

    /** Marks the metadata stale after a leadership error. */
    void invalidateMetadata();

    /** Refreshes the metadata when stale (at most one refresh in flight); completes with the snapshot. */
    CompletableFuture<Cluster> refreshIfStale();

    /**
     * Blocks until a request sent through this network completes, {@link #wakeup()} is called, or
     * {@code timeoutMs} passes, whichever is first. Returns at once when a completion happened since
     * the previous call.
     */
    void await(long timeoutMs) throws InterruptedException;

    /** Ends the current or next {@link #await} early; thread-safe. */
    void wakeup();

    @Override
    void close();
}
