package io.varve.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.varve.broker.replica.Batches;
import java.nio.ByteBuffer;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class TopicMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TopicMetrics metrics = new TopicMetrics(registry);

    @Test
    void countsBytesAndRecordsPerTopicAndForgetsDeletedTopics() {
        metrics.onProduced("a", 100, 3);
        metrics.onProduced("a", 50, 2);
        metrics.onFetched("a", 70, 4);
        metrics.onProduced("b", 10, 1);

        assertEquals(150.0, registry.get(TopicMetrics.IN_BYTES).tag("topic", "a").counter().count());
        assertEquals(5.0, registry.get(TopicMetrics.IN_RECORDS).tag("topic", "a").counter().count());
        assertEquals(70.0, registry.get(TopicMetrics.OUT_BYTES).tag("topic", "a").counter().count());
        assertEquals(4.0, registry.get(TopicMetrics.OUT_RECORDS).tag("topic", "a").counter().count());

        metrics.retainTopics(Set.of("b"));

        assertNull(registry.find(TopicMetrics.IN_BYTES).tag("topic", "a").counter());
        assertEquals(10.0, registry.get(TopicMetrics.IN_BYTES).tag("topic", "b").counter().count());
    }

    @Test
    void countsTheRecordsOfWholeBatchesAndStopsAtATornOne() {
        ByteBuffer first = Batches.of(1L, "x", "y", "z");
        ByteBuffer second = Batches.of(2L, "w", "v");
        ByteBuffer both = ByteBuffer.allocate(first.remaining() + second.remaining());
        both.put(first.duplicate()).put(second.duplicate()).flip();
        UnsafeBuffer buffer = new UnsafeBuffer(both);

        assertEquals(5, TopicTraffic.countRecords(buffer, both.remaining()));
        assertEquals(3, TopicTraffic.countRecords(buffer, both.remaining() - 1));
        assertEquals(0, TopicTraffic.countRecords(buffer, 10));
    }
}
