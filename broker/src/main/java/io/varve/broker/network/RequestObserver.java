package io.varve.broker.network;

import io.varve.protocol.ApiKey;
import io.varve.protocol.generated.GeneratedMessage;

/**
 * Told by the {@link RequestDispatcher} where each request is in its life, so that the broker's
 * metrics can time it without the network edge knowing a metrics library: received (decoded, at
 * {@code receiveTimeNs}), handed to the handler, handler returned, answered, response written.
 * Queue time is {@code receiveTimeNs → start}, local time the handler's own run, total time
 * {@code receiveTimeNs → written}. Times are the server's {@code Clock.nanoTime()}.
 *
 * <p>Called on event loops for every request: implementations must be thread-safe, must not block,
 * and should only bump pre-resolved counters.
 */
public interface RequestObserver {

    /** Observes nothing. */
    RequestObserver NONE = new RequestObserver() {
        @Override
        public long onHandleStart(ApiKey api, long receiveTimeNs) {
            return 0;
        }

        @Override
        public void onHandleEnd(ApiKey api, long startNs) {
        }

        @Override
        public void onResponse(ApiKey api, GeneratedMessage response) {
        }

        @Override
        public void onResponseSent(ApiKey api, long receiveTimeNs) {
        }
    };

    /** The request is handed to the handler; returns the start time to pass to {@link #onHandleEnd}. */
    long onHandleStart(ApiKey api, long receiveTimeNs);

    /** The handler returned (it may still answer later, from a purgatory). */
    void onHandleEnd(ApiKey api, long startNs);

    /** The request was answered; {@code response} is null when none is sent (Produce with acks=0). */
    void onResponse(ApiKey api, GeneratedMessage response);

    /** The response was written to the socket (or, when none is sent, the request was retired). */
    void onResponseSent(ApiKey api, long receiveTimeNs);
}
