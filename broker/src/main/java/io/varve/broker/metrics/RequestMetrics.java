package io.varve.broker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.varve.broker.network.RequestObserver;
import io.varve.common.Clock;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.GeneratedMessage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Per-API request metrics, as Kafka's {@code RequestMetrics}: requests, error codes, and the queue,
 * local and total time of each request as histograms. Every counter and timer of every API is
 * resolved once, at construction, into arrays indexed by {@link ApiKey#ordinal()}; the hot path
 * indexes an array and bumps a meter, with no tag lookup or string building. Error counters, one per
 * API and error code met, are created on the first occurrence of that code and cached.
 *
 * <p>Thread-safe: called from every event loop.
 */
public final class RequestMetrics implements RequestObserver {

    static final String REQUESTS = "varve.requests";
    static final String ERRORS = "varve.request.errors";
    static final String QUEUE_TIME = "varve.request.queue.time";
    static final String LOCAL_TIME = "varve.request.local.time";
    static final String TOTAL_TIME = "varve.request.total.time";

    /** Latency objectives every timer reports as buckets, besides the percentile histogram. */
    private static final Duration[] SLOS = {
        Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)};

    private static final ApiKey[] APIS = ApiKey.values();
    private static final Errors[] ERROR_VALUES = Errors.values();

    private final MeterRegistry registry;
    private final Clock clock;
    private final Counter[] requests = new Counter[APIS.length];
    private final Timer[] queueTime = new Timer[APIS.length];
    private final Timer[] localTime = new Timer[APIS.length];
    private final Timer[] totalTime = new Timer[APIS.length];
    private final AtomicReferenceArray<Counter> errors = new AtomicReferenceArray<>(APIS.length * ERROR_VALUES.length);
    /** One error sink per API, built once so that counting a response's errors allocates nothing. */
    private final ResponseErrors.Sink[] errorSinks = new ResponseErrors.Sink[APIS.length];

    public RequestMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        for (ApiKey api : APIS) {
            int i = api.ordinal();
            requests[i] = Counter.builder(REQUESTS).tag("api", api.displayName)
                .description("Requests received, by API").register(registry);
            queueTime[i] = timer(QUEUE_TIME, api, "Time from decoding a request to handing it to its handler");
            localTime[i] = timer(LOCAL_TIME, api, "Time the handler ran on the event loop (waiting in a purgatory excluded)");
            totalTime[i] = timer(TOTAL_TIME, api, "Time from decoding a request to its response written to the socket");
            errorSinks[i] = code -> onError(api, code);
        }
    }

    private Timer timer(String name, ApiKey api, String description) {
        return Timer.builder(name).tag("api", api.displayName).description(description)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1).dividedBy(10))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .serviceLevelObjectives(SLOS)
            .register(registry);
    }

    @Override
    public long onHandleStart(ApiKey api, long receiveTimeNs) {
        long now = clock.nanoTime();
        int i = api.ordinal();
        requests[i].increment();
        queueTime[i].record(Math.max(0, now - receiveTimeNs), TimeUnit.NANOSECONDS);
        return now;
    }

    @Override
    public void onHandleEnd(ApiKey api, long startNs) {
        localTime[api.ordinal()].record(Math.max(0, clock.nanoTime() - startNs), TimeUnit.NANOSECONDS);
    }

    @Override
    public void onResponse(ApiKey api, GeneratedMessage response) {
        if (response != null) {
            ResponseErrors.forEach(response, errorSinks[api.ordinal()]);
        }
    }

    @Override
    public void onResponseSent(ApiKey api, long receiveTimeNs) {
        totalTime[api.ordinal()].record(Math.max(0, clock.nanoTime() - receiveTimeNs), TimeUnit.NANOSECONDS);
    }

    /** Counts one error code in a response of {@code api}; {@code NONE} is not an error and is not counted. */
    void onError(ApiKey api, short code) {
        if (code == Errors.NONE.code) {
            return;
        }
        Errors error = Errors.forCode(code);
        int slot = api.ordinal() * ERROR_VALUES.length + error.ordinal();
        Counter counter = errors.get(slot);
        if (counter == null) {
            // Registering twice returns the same meter, so a race here only repeats the lookup.
            counter = Counter.builder(ERRORS).tag("api", api.displayName).tag("error", error.name())
                .description("Error codes in responses, by API and error (per partition where the response has partitions)")
                .register(registry);
            errors.set(slot, counter);
        }
        counter.increment();
    }
}
