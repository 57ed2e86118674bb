package io.varve.broker.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Consumer lag per group and partition ({@code log end offset − committed offset}), read at scrape
 * time from a supplier the group coordinator binds with {@link #bind}. Nothing is read until a
 * supplier is bound (Varve has no coordinator yet); see docs/metrics.md, "Consumer lag".
 *
 * <p>Thread-safe; the supplier is called on the scraping thread and must be too.
 */
public final class ConsumerLagMetrics {

    static final String LAG = "varve.consumer.group.lag";

    /** One group's lag on one partition. */
    public record LagEntry(String group, String topic, int partition, long lag) {
        public LagEntry {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(topic, "topic");
        }
    }

    private final MultiGauge lag;
    private volatile Supplier<? extends Collection<LagEntry>> entries = List::of;

    public ConsumerLagMetrics(MeterRegistry registry) {
        this.lag = MultiGauge.builder(LAG).baseUnit("records")
            .description("Records between a group's committed offset and the partition's log end offset")
            .register(registry);
    }

    /** Binds the source of lag entries (the group coordinator); a later call replaces the earlier one. */
    public void bind(Supplier<? extends Collection<LagEntry>> source) {
        this.entries = Objects.requireNonNull(source, "source");
    }

    /** Re-reads the entries; rows of groups or partitions no longer reported are removed. */
    public void refresh() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (LagEntry e : entries.get()) {
            rows.add(MultiGauge.Row.of(Tags.of("group", e.group(), "topic", e.topic(),
                "partition", Integer.toString(e.partition())), e.lag()));
        }
        lag.register(rows, true);
    }
}
