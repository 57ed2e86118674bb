package io.varve.broker.network;

import io.varve.protocol.ApiKey;
import java.net.SocketAddress;

/**
 * Where a request came from and when: what a handler needs besides the request body. Immutable.
 *
 * @param connectionId   unique per connection within one server's lifetime
 * @param listenerName   the listener the connection arrived on, upper-case ({@code PLAINTEXT})
 * @param remoteAddress  the client's address
 * @param header         api key, version (always inside the API's supported band), correlation id, client id
 * @param receiveTimeNs  {@code Clock.nanoTime()} when the frame was decoded
 */
public record RequestContext(long connectionId, String listenerName, SocketAddress remoteAddress,
                             RequestHeader header, long receiveTimeNs) {

    public ApiKey apiKey() {
        return header.apiKey();
    }

    public short apiVersion() {
        return header.apiVersion();
    }

    public int correlationId() {
        return header.correlationId();
    }

    /** The client id, possibly null. */
    public String clientId() {
        return header.clientId();
    }
}
