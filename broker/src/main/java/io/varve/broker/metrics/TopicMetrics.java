package io.varve.broker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bytes and records in and out per topic (Kafka's {@code BrokerTopicMetrics}). A topic's four
 * counters are resolved together on its first use and cached in a concurrent map, so a produce or
 * fetch costs one map read per topic and two adds; {@link #retainTopics} drops the meters of
 * deleted topics when the metadata changes.
 *
 * <p>Thread-safe.
 */
public final class TopicMetrics implements TopicTraffic {

    static final String IN_BYTES = "varve.topic.in.bytes";
    static final String IN_RECORDS = "varve.topic.in.records";
    static final String OUT_BYTES = "varve.topic.out.bytes";
    static final String OUT_RECORDS = "varve.topic.out.records";

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counters> topics = new ConcurrentHashMap<>();

    public TopicMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onProduced(String topic, long bytes, long records) {
        Counters c = counters(topic);
        c.inBytes.increment(bytes);
        c.inRecords.increment(records);
    }

    @Override
    public void onFetched(String topic, long bytes, long records) {
        Counters c = counters(topic);
        c.outBytes.increment(bytes);
        c.outRecords.increment(records);
    }

    private Counters counters(String topic) {
        Counters c = topics.get(topic);
        return c != null ? c : topics.computeIfAbsent(topic, this::register);
    }

    private Counters register(String topic) {
        return new Counters(
            Counter.builder(IN_BYTES).baseUnit("bytes").tag("topic", topic)
                .description("Bytes of record batches appended by producers").register(registry),
            Counter.builder(IN_RECORDS).baseUnit("records").tag("topic", topic)
                .description("Records appended by producers").register(registry),
            Counter.builder(OUT_BYTES).baseUnit("bytes").tag("topic", topic)
                .description("Bytes of record batches served to fetchers").register(registry),
            Counter.builder(OUT_RECORDS).baseUnit("records").tag("topic", topic)
                .description("Records served to fetchers").register(registry));
    }

    /** Removes the counters of every topic not in {@code live} (deleted topics). */
    public void retainTopics(Set<String> live) {
        for (String topic : Set.copyOf(topics.keySet())) {
            if (!live.contains(topic)) {
                Counters c = topics.remove(topic);
                if (c != null) {
                    registry.remove(c.inBytes);
                    registry.remove(c.inRecords);
                    registry.remove(c.outBytes);
                    registry.remove(c.outRecords);
                }
            }
        }
    }

    private record Counters(Counter inBytes, Counter inRecords, Counter outBytes, Counter outRecords) {
    }
}
