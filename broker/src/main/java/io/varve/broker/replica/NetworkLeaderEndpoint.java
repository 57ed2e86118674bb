package io.varve.broker.replica;

import io.varve.client.NetworkClient;
import io.varve.client.Node;
import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.UnsupportedVersionException;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A source broker reached over the shared {@link NetworkClient}: its pipelined connection to that
 * broker's client listener, at the Fetch version the client negotiates with it. A follower's Fetch
 * carries its id and broker epoch in ReplicaState, which exists from v{@value #MIN_FOLLOWER_VERSION};
 * below that the fetch fails rather than go out as a consumer's. The records of the answer stay views
 * of the response frame. Used by one fetcher thread; the client is owned by the broker, not closed here.
 */
public final class NetworkLeaderEndpoint implements LeaderEndpoint {

    /** The first Fetch version with ReplicaState (KIP-903): the follower's id and broker epoch. */
    static final short MIN_FOLLOWER_VERSION = 15;

    private final NetworkClient client;
    private final Node node;

    public NetworkLeaderEndpoint(NetworkClient client, Node node) {
        this.client = client;
        this.node = node;
    }

    @Override
    public FetchResponse fetch(FetchRequest request, long timeoutMs) throws LeaderUnavailableException {
        try {
            return (FetchResponse) client.send(node, ApiKey.FETCH, version -> {
                if (version < MIN_FOLLOWER_VERSION) {
                    throw new UnsupportedVersionException("a follower fetch needs Fetch v" + MIN_FOLLOWER_VERSION
                        + "+ (ReplicaState); " + node + " offers v" + version);
                }
                return request;
            }, timeoutMs).get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS);
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
