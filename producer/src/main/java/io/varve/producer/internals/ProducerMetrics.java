package io.varve.producer.internals;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The producer's meters, resolved once and tagged with the client id: records and bytes
 * acknowledged, records failed, batches retried, Produce request latency, and free buffer memory
 * (read at scrape time). Names are listed in docs/metrics.md, "Varve clients".
 *
 * <p>Thread-safe (Micrometer meters are).
 */
public final class ProducerMetrics {

    private final Counter recordsSent;
    private final Counter bytesSent;
    private final Counter errors;
    private final Counter retries;
    private final Timer requestLatency;

    public ProducerMetrics(MeterRegistry registry, String clientId, MemoryLimiter memory) {
        Tags tags = Tags.of("client.id", clientId);
        this.recordsSent = Counter.builder("varve.producer.records.sent").tags(tags)
            .description("Records acknowledged by the broker").register(registry);
        this.bytesSent = Counter.builder("varve.producer.bytes.sent").baseUnit("bytes").tags(tags)
            .description("Bytes of record batches acknowledged by the broker").register(registry);
        this.errors = Counter.builder("varve.producer.errors").tags(tags)
            .description("Records whose send failed").register(registry);
        this.retries = Counter.builder("varve.producer.retries").tags(tags)
            .description("Batches sent again after a retriable error").register(registry);
        this.requestLatency = Timer.builder("varve.producer.request.latency").tags(tags)
            .description("Produce request sent to response received").register(registry);
        Gauge.builder("varve.producer.buffer.available.bytes", memory, MemoryLimiter::availableBytes).tags(tags)
            .baseUnit("bytes").description("Free bytes of buffer.memory").register(registry);
    }

    void onAcknowledged(int records, int bytes) {
        recordsSent.increment(records);
        bytesSent.increment(bytes);
    }

    /** {@code records} records failed (their futures and callbacks complete with an exception). */
    public void onFailed(int records) {
        errors.increment(records);
    }

    void onRetry() {
        retries.increment();
    }

    void onResponse(long latencyNs) {
        requestLatency.record(latencyNs, TimeUnit.NANOSECONDS);
    }
}
