package io.varve.broker.replica;

import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;

/**
 * How a {@link ReplicaFetcher} reaches one source broker: over a connection in production
 * ({@code io.varve.broker.replica.NetworkLeaderEndpoint}), in memory in tests. Used by one fetcher thread.
 */
public interface LeaderEndpoint extends AutoCloseable {

    /**
     * Sends {@code request} and waits for its response, at most {@code timeoutMs}.
     *
     * @throws LeaderUnavailableException when no response came (disconnected, timed out, refused)
     */
    FetchResponse fetch(FetchRequest request, long timeoutMs) throws LeaderUnavailableException;

    @Override
    default void close() {
    }

    /** No response from the leader; the fetcher backs off and tries again. */
    final class LeaderUnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        public LeaderUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
