package io.varve.client.admin;

import io.varve.client.NetworkClient;
import io.varve.client.Node;
import io.varve.client.metadata.MetadataRequests;
import io.varve.protocol.ApiKey;
import io.varve.protocol.generated.MetadataResponse;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the admin client sends its requests: the brokers it knows (from the last Metadata response,
 * then the bootstrap servers) and the controller, the broker named by Metadata's
 * {@code controller_id}, to which CreateTopics, DeleteTopics and CreatePartitions go. A broker that
 * answers {@code NOT_CONTROLLER} makes the caller {@link #invalidateController() forget} it.
 *
 * <p>Unlike {@link io.varve.client.metadata.MetadataManager}, this keeps whole Metadata responses
 * (replicas, ISR, controller), which the admin reports. Thread-safe: the state is two volatile
 * snapshots, replaced whole; a round-robin counter spreads requests over the candidates.
 */
final class AdminMetadata {

    private final NetworkClient client;
    private final List<Node> bootstrap;
    private final AtomicInteger nextCandidate = new AtomicInteger();
    private volatile List<Node> brokers = List.of();
    private volatile Node controller;

    AdminMetadata(NetworkClient client, List<InetSocketAddress> bootstrapAddresses) {
        this.client = client;
        List<Node> nodes = new ArrayList<>();
        int id = -1;
        for (InetSocketAddress a : bootstrapAddresses) {
            nodes.add(new Node(id--, a.getHostString(), a.getPort()));
        }
        this.bootstrap = List.copyOf(nodes);
    }

    /** A broker to send a request that any broker answers; successive calls rotate over the candidates. */
    Node anyNode() {
        List<Node> candidates = candidates();
        return candidates.get(Math.floorMod(nextCandidate.getAndIncrement(), candidates.size()));
    }

    /**
     * Describes {@code topics} (null: every topic; empty: brokers only) from one broker. Fails with
     * the transport's error, which the {@link Retrier} retries on the next candidate.
     */
    CompletableFuture<MetadataResponse> fetch(Collection<String> topics, long requestTimeoutMs) {
        return client.send(anyNode(), ApiKey.METADATA, MetadataRequests.forTopics(topics, false), requestTimeoutMs)
            .thenApply(r -> remember((MetadataResponse) r));
    }

    /** The controller, from the cache or a fresh Metadata response; fails with {@link Retrier.Retry} while none is known. */
    CompletableFuture<Node> controller(long requestTimeoutMs) {
        Node known = controller;
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        return fetch(List.of(), requestTimeoutMs).thenApply(r -> {
            Node c = controller;
            if (c == null) {
                throw new Retrier.Retry("no controller is known yet (controller id " + r.controllerId() + ")");
            }
            return c;
        });
    }

    /** Forgets the controller after it answered NOT_CONTROLLER or could not be reached. */
    void invalidateController() {
        controller = null;
    }

    private List<Node> candidates() {
        List<Node> all = new ArrayList<>(brokers);
        all.addAll(bootstrap);
        return all;
    }

    private MetadataResponse remember(MetadataResponse r) {
        List<Node> nodes = r.brokers().stream().map(b -> new Node(b.nodeId(), b.host(), b.port())).toList();
        if (!nodes.isEmpty()) {
            brokers = nodes;
        }
        controller = nodes.stream().filter(n -> n.id() == r.controllerId()).findFirst().orElse(null);
        return r;
    }
}
