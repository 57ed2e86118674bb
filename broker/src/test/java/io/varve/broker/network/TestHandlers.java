package io.varve.broker.network;

import io.varve.protocol.Errors;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.ApiVersionsResponse;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Request handlers for the network tests. */
final class TestHandlers {

    static final ApiVersionsResponse SUPPORTED = io.varve.protocol.ApiKey.apiVersionsResponse(Errors.NONE);

    private TestHandlers() {
    }

    /** Answers ApiVersions at once, on the event loop. */
    static final RequestHandler ANSWER_AT_ONCE = (context, request, done) -> done.respond(SUPPORTED);

    /** One request the holding handler has not answered yet. */
    record Held(RequestContext context, GeneratedMessage request, ResponseCallback done) {
        void answer() {
            done.respond(SUPPORTED);
        }
    }

    /** Holds every request until the test answers it; counts how many were unanswered at most. */
    static final class Holding implements RequestHandler {
        private final LinkedBlockingQueue<Held> held = new LinkedBlockingQueue<>();
        private final AtomicInteger received = new AtomicInteger();
        private final AtomicInteger unanswered = new AtomicInteger();
        private final AtomicInteger maxUnanswered = new AtomicInteger();

        @Override
        public void handle(RequestContext context, GeneratedMessage request, ResponseCallback done) {
            received.incrementAndGet();
            maxUnanswered.accumulateAndGet(unanswered.incrementAndGet(), Math::max);
            held.add(new Held(context, request, response -> {
                unanswered.decrementAndGet();
                done.respond(response);
            }));
        }

        /** The next held request, waiting a bounded time for it. */
        Held next() throws InterruptedException {
            Held h = held.poll(Await.TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (h == null) {
                throw new AssertionError("no request within " + Await.TIMEOUT_MS + " ms");
            }
            return h;
        }

        int received() {
            return received.get();
        }

        int maxUnanswered() {
            return maxUnanswered.get();
        }
    }
}
