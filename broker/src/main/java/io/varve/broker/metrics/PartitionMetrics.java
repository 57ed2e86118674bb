package io.varve.broker.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.varve.broker.replica.Partition;
import io.varve.common.TopicPartition;
import io.varve.storage.FlushListener;
import io.varve.storage.PartitionLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Per-partition log gauges (size, segments, start and end offsets, high-water mark), read from the
 * hosted partitions' plain getters at scrape time by {@link #refresh()}, so partitions that appear
 * or go away are followed without any registration on the data path; and the flush timer of each
 * partition, fed by the storage layer's {@link FlushListener} hook.
 *
 * <p>Thread-safe.
 */
public final class PartitionMetrics implements FlushListener {

    static final String LOG_SIZE = "varve.partition.log.size";
    static final String LOG_SEGMENTS = "varve.partition.log.segments";
    static final String LOG_START_OFFSET = "varve.partition.log.start.offset";
    static final String LOG_END_OFFSET = "varve.partition.log.end.offset";
    static final String HIGH_WATERMARK = "varve.partition.high.watermark";
    static final String FLUSH_TIME = "varve.partition.flush.time";

    private final MeterRegistry registry;
    private final Supplier<? extends Collection<Partition>> partitions;
    private final MultiGauge size;
    private final MultiGauge segments;
    private final MultiGauge startOffset;
    private final MultiGauge endOffset;
    private final MultiGauge highWatermark;
    private final ConcurrentHashMap<TopicPartition, Timer> flushTimers = new ConcurrentHashMap<>();

    public PartitionMetrics(MeterRegistry registry, Supplier<? extends Collection<Partition>> partitions) {
        this.registry = registry;
        this.partitions = partitions;
        this.size = MultiGauge.builder(LOG_SIZE).baseUnit("bytes")
            .description("Bytes of valid batches in the partition's segments").register(registry);
        this.segments = MultiGauge.builder(LOG_SEGMENTS).description("Segments of the partition's log").register(registry);
        this.startOffset = MultiGauge.builder(LOG_START_OFFSET)
            .description("The partition's log start offset (low-water mark)").register(registry);
        this.endOffset = MultiGauge.builder(LOG_END_OFFSET)
            .description("The partition's log end offset (next offset to be written)").register(registry);
        this.highWatermark = MultiGauge.builder(HIGH_WATERMARK)
            .description("The partition's high-water mark (consumers read below it)").register(registry);
    }

    /** Re-reads every hosted partition; meters of partitions no longer hosted are removed. */
    public void refresh() {
        List<MultiGauge.Row<?>> sizes = new ArrayList<>();
        List<MultiGauge.Row<?>> counts = new ArrayList<>();
        List<MultiGauge.Row<?>> starts = new ArrayList<>();
        List<MultiGauge.Row<?>> ends = new ArrayList<>();
        List<MultiGauge.Row<?>> hwms = new ArrayList<>();
        Set<TopicPartition> hosted = new HashSet<>();
        for (Partition p : partitions.get()) {
            PartitionLog log = p.log();
            Tags tags = tags(p.topicPartition());
            hosted.add(p.topicPartition());
            sizes.add(MultiGauge.Row.of(tags, log.sizeInBytes()));
            counts.add(MultiGauge.Row.of(tags, log.numberOfSegments()));
            starts.add(MultiGauge.Row.of(tags, log.logStartOffset()));
            ends.add(MultiGauge.Row.of(tags, log.logEndOffset()));
            hwms.add(MultiGauge.Row.of(tags, p.highWatermark()));
        }
        size.register(sizes, true);
        segments.register(counts, true);
        startOffset.register(starts, true);
        endOffset.register(ends, true);
        highWatermark.register(hwms, true);
        for (TopicPartition tp : Set.copyOf(flushTimers.keySet())) {
            if (!hosted.contains(tp)) {
                Timer t = flushTimers.remove(tp);
                if (t != null) {
                    registry.remove(t);
                }
            }
        }
    }

    @Override
    public void onFlush(TopicPartition topicPartition, long durationNs) {
        Timer timer = flushTimers.computeIfAbsent(topicPartition, tp -> Timer.builder(FLUSH_TIME).tags(tags(tp))
            .description("Time to force the partition's unflushed segments to the device").register(registry));
        timer.record(durationNs, TimeUnit.NANOSECONDS);
    }

    private static Tags tags(TopicPartition tp) {
        return Tags.of("topic", tp.topic(), "partition", Integer.toString(tp.partition()));
    }
}
