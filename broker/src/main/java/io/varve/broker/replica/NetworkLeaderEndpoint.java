package io.varve.broker.replica;

import io.varve.client.NetworkClient;
import io.varve.client.Node;
import io.varve.protocol.message.ApiResponse;
import io.varve.protocol.message.FetchRequest;
import io.varve.protocol.message.FetchResponse;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A source broker reached over the shared {@link NetworkClient}: its pipelined connection to that
 * broker's client listener, the Fetch version both sides support (v15+ carries the replica id in
 * ReplicaState). Used by one fetcher thread; the client is owned by the broker, not closed here.
 */
public final class NetworkLeaderEndpoint implements LeaderEndpoint {

    private final NetworkClient client;
    private final Node node;

    public NetworkLeaderEndpoint(NetworkClient client, Node node) {
        this.client = client;
        this.node = node;
    }

    @Override
    public FetchResponse fetch(FetchRequest request, long timeoutMs) throws LeaderUnavailableException {
        try {
            ApiResponse response = client.send(node, request, timeoutMs).get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS);
            return (FetchResponse) response;
        } catch (ExecutionException e) {
            throw new LeaderUnavailableException("fetch from " + node + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new LeaderUnavailableException("fetch from " + node + " got no answer in " + timeoutMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeaderUnavailableException("interrupted while fetching from " + node, e);
        }
    }

    @Override
    public String toString() {
        return "NetworkLeaderEndpoint{" + node + '}';
    }
}
