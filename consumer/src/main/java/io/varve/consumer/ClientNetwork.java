package io.varve.consumer;

import io.varve.client.NetworkClient;
import io.varve.client.Node;
import io.varve.client.RequestBuilder;
import io.varve.client.metadata.Cluster;
import io.varve.client.metadata.MetadataManager;
import io.varve.common.Clock;
import io.varve.config.ClientConfig;
import io.varve.protocol.ApiKey;
import io.varve.protocol.generated.GeneratedMessage;
import java.util.Collection;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ConsumerNetwork} over a real {@link NetworkClient} and {@link MetadataManager} (no automatic
 * topic creation). Completions on the client's I/O thread bump an event counter that {@link #await}
 * waits on. Thread-safe.
 */
final class ClientNetwork implements ConsumerNetwork {

    private final NetworkClient client;
    private final MetadataManager metadata;
    private final Clock clock;
    private final Object lock = new Object();
    private long events;
    private long eventsSeen;
    private CompletableFuture<Cluster> refreshing;

    ClientNetwork(ClientConfig config, Clock clock, Random random) {
        this.client = new NetworkClient(config, clock, random);
        this.metadata = new MetadataManager(client, config, clock, false);
        this.clock = clock;
    }

    @Override
    public CompletableFuture<GeneratedMessage> send(Node node, ApiKey apiKey, RequestBuilder request) {
        CompletableFuture<GeneratedMessage> f = client.send(node, apiKey, request);
        f.whenComplete((r, e) -> signal());
        return f;
    }

    @Override
    public CompletableFuture<GeneratedMessage> send(Node node, ApiKey apiKey, RequestBuilder request, long timeoutMs) {
        CompletableFuture<GeneratedMessage> f = client.send(node, apiKey, request, timeoutMs);
        f.whenComplete((r, e) -> signal());
        return f;
    }

    @Override
    public CompletableFuture<Cluster> describeAll() {
        CompletableFuture<Cluster> f = metadata.describeAll();
        f.whenComplete((c, e) -> signal());
        return f;
    }

    @Override
    public Cluster cluster() {
        return metadata.cluster();
    }

    @Override
    public void track(Collection<String> topics) {
        metadata.track(topics);
    }

    @Override
    public void invalidateMetadata() {
        metadata.invalidate();
    }

    @Override
    public CompletableFuture<Cluster> refreshIfStale() {
        synchronized (lock) {
            if (refreshing != null && !refreshing.isDone()) {
                return refreshing;
            }
            if (!metadata.isStale()) {
                return CompletableFuture.completedFuture(metadata.cluster());
            }
            refreshing = metadata.refresh();
            refreshing.whenComplete((c, e) -> signal());
            return refreshing;
        }
    }

    @Override
    public void await(long timeoutMs) throws InterruptedException {
        long deadlineNs = clock.nanoTime() + timeoutMs * 1_000_000L;
        synchronized (lock) {
            while (events == eventsSeen) {
                long leftNs = deadlineNs - clock.nanoTime();
                if (leftNs <= 0) {
                    return;
                }
                lock.wait(Math.max(1L, leftNs / 1_000_000L));
            }
            eventsSeen = events;
        }
    }

    @Override
    public void wakeup() {
        signal();
    }

    private void signal() {
        synchronized (lock) {
            events++;
            lock.notifyAll();
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
