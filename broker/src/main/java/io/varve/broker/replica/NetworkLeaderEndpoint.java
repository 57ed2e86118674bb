package io.varve.broker.replica;

import io.varve.client.NetworkClient;
import io.varve.client.Node;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A source broker reached over the shared {@link NetworkClient}: its pipelined connection to that
 * broker's client listener, the Fetch version both sides support (v15+ carries the replica id in
 * ReplicaState). Used by one fetcher thread; the client is owned by the broker, not closed here.
 *
 * <p>Until the client module speaks the generated codecs too, the request and the response cross
 * to the client's message classes through their bytes at Fetch v{@value #BRIDGE_VERSION}, which both
 * encode; the records stay views of the response frame.
 */
public final class NetworkLeaderEndpoint implements LeaderEndpoint {

    /** A Fetch version both the generated codec and the client's codec encode, with ReplicaState. */
    static final short BRIDGE_VERSION = 16;

    private final NetworkClient client;
    private final Node node;

    public NetworkLeaderEndpoint(NetworkClient client, Node node) {
        this.client = client;
        this.node = node;
    }

    @Override
    public FetchResponse fetch(FetchRequest request, long timeoutMs) throws LeaderUnavailableException {
        try {
            ProtocolWriter w = new ProtocolWriter();
            request.write(w, BRIDGE_VERSION);
            io.varve.protocol.message.FetchRequest sent =
                io.varve.protocol.message.FetchRequest.read(new ProtocolReader(w.toByteBuffer()), BRIDGE_VERSION);
            io.varve.protocol.message.ApiResponse response =
                client.send(node, sent, timeoutMs).get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS);
            ProtocolWriter back = new ProtocolWriter();
            response.write(back, BRIDGE_VERSION);
            return FetchResponse.read(new ProtocolReader(back.toByteBuffer()), BRIDGE_VERSION);
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
