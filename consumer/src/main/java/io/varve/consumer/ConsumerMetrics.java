package io.varve.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.varve.common.TopicPartition;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The consumer's meters, resolved once and tagged with the client id: records returned by poll,
 * bytes fetched, Fetch latency, and the largest lag over the assigned partitions (high-water mark
 * minus fetch offset, as of each partition's last fetch response), read at scrape time. Names are
 * listed in docs/metrics.md, "Varve clients".
 *
 * <p>Thread-safe: the lag map is read from the scraping thread.
 */
final class ConsumerMetrics {

    private final Counter recordsConsumed;
    private final Counter bytesConsumed;
    private final Timer fetchLatency;
    private final ConcurrentHashMap<TopicPartition, Long> lags = new ConcurrentHashMap<>();

    ConsumerMetrics(MeterRegistry registry, String clientId) {
        Tags tags = Tags.of("client.id", clientId);
        this.recordsConsumed = Counter.builder("varve.consumer.records.consumed").tags(tags)
            .description("Records returned by poll").register(registry);
        this.bytesConsumed = Counter.builder("varve.consumer.bytes.consumed").baseUnit("bytes").tags(tags)
            .description("Bytes of record batches fetched").register(registry);
        this.fetchLatency = Timer.builder("varve.consumer.fetch.latency").tags(tags)
            .description("Fetch request sent to response received").register(registry);
        Gauge.builder("varve.consumer.records.lag.max", this, ConsumerMetrics::recordsLagMax).tags(tags)
            .description("Largest lag in records over the assigned partitions").register(registry);
    }

    void onFetchResponse(long latencyNs) {
        fetchLatency.record(latencyNs, TimeUnit.NANOSECONDS);
    }

    void onPartitionFetched(TopicPartition tp, long bytes, long highWatermark, long fetchOffset) {
        bytesConsumed.increment(bytes);
        lags.put(tp, Math.max(0, highWatermark - fetchOffset));
    }

    void onConsumed(int records) {
        recordsConsumed.increment(records);
    }

    /** Forgets the lag of partitions no longer assigned. */
    void retain(Set<TopicPartition> assigned) {
        lags.keySet().removeIf(tp -> !assigned.contains(tp));
    }

    /** The largest lag over the partitions fetched since their assignment; 0 when none. */
    double recordsLagMax() {
        long max = 0;
        for (long lag : lags.values()) {
            max = Math.max(max, lag);
        }
        return max;
    }
}
