package io.varve.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.varve.common.ManualClock;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.ProduceResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ManualClock clock = new ManualClock();
    private final RequestMetrics metrics = new RequestMetrics(registry, clock);

    private Timer timer(String name, ApiKey api) {
        return registry.get(name).tag("api", api.displayName).timer();
    }

    @Test
    void queueLocalAndTotalTimeSplitARequestsLife() {
        long received = clock.nanoTime();
        clock.advance(2, TimeUnit.MILLISECONDS);
        long start = metrics.onHandleStart(ApiKey.FETCH, received);
        clock.advance(3, TimeUnit.MILLISECONDS);
        metrics.onHandleEnd(ApiKey.FETCH, start);
        clock.advance(100, TimeUnit.MILLISECONDS); // waiting in the purgatory
        metrics.onResponseSent(ApiKey.FETCH, received);

        assertEquals(1.0, registry.get(RequestMetrics.REQUESTS).tag("api", "Fetch").counter().count());
        assertEquals(2.0, timer(RequestMetrics.QUEUE_TIME, ApiKey.FETCH).totalTime(TimeUnit.MILLISECONDS), 1e-9);
        assertEquals(3.0, timer(RequestMetrics.LOCAL_TIME, ApiKey.FETCH).totalTime(TimeUnit.MILLISECONDS), 1e-9);
        assertEquals(105.0, timer(RequestMetrics.TOTAL_TIME, ApiKey.FETCH).totalTime(TimeUnit.MILLISECONDS), 1e-9);
        assertEquals(0, timer(RequestMetrics.TOTAL_TIME, ApiKey.PRODUCE).count());
    }

    @Test
    void errorCodesAreCountedPerApiAndErrorButNoneIsNot() {
        ProduceResponse response = new ProduceResponse(List.of(new ProduceResponse.TopicProduceResponse("t", new java.util.UUID(0L, 0L), List.of(
            partition(0, Errors.NONE), partition(1, Errors.NOT_LEADER_OR_FOLLOWER), partition(2, Errors.NOT_LEADER_OR_FOLLOWER),
            partition(3, Errors.MESSAGE_TOO_LARGE)))), 0, List.of());

        metrics.onResponse(ApiKey.PRODUCE, response);
        metrics.onResponse(ApiKey.PRODUCE, null); // acks=0: nothing to count

        assertEquals(2.0, registry.get(RequestMetrics.ERRORS).tag("api", "Produce").tag("error", "NOT_LEADER_OR_FOLLOWER")
            .counter().count());
        assertEquals(1.0, registry.get(RequestMetrics.ERRORS).tag("api", "Produce").tag("error", "MESSAGE_TOO_LARGE")
            .counter().count());
        assertNull(registry.find(RequestMetrics.ERRORS).tag("error", "NONE").counter());
    }

    private static ProduceResponse.PartitionProduceResponse partition(int index, Errors error) {
        return io.varve.protocol.ErrorResponses.produceError(index, error);
    }
}
