package io.varve.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ToolOutputTest {

    private static final double MIB_IN_MB = 1.048576;

    @Test
    void readsTheLastSummaryOfKafkasProducerPerformanceAndConvertsMibToMb() {
        List<String> lines = List.of(
            "249846 records sent, 49949.2 records/sec (48.78 MB/sec), 312.4 ms avg latency, 604.0 ms max latency.",
            "1000000 records sent, 135501.355014 records/sec (132.33 MB/sec), 201.37 ms avg latency, 1210.00 ms max"
                + " latency, 150 ms 50th, 430 ms 95th, 612 ms 99th, 801 ms 99.9th.");
        Metrics m = ToolOutput.kafkaProducer(lines).orElseThrow();
        assertEquals(1_000_000, m.records());
        assertEquals(135501.355014, m.recordsPerSec(), 1e-6);
        assertEquals(132.33 * MIB_IN_MB, m.mbPerSec(), 1e-9);
        assertEquals(150, m.p50Ms());
        assertEquals(612, m.p99Ms());
        assertEquals(801, m.p999Ms());
    }

    @Test
    void aProgressLineAloneIsNoSummary() {
        assertTrue(ToolOutput.kafkaProducer(List.of(
            "249846 records sent, 49949.2 records/sec (48.78 MB/sec), 312.4 ms avg latency, 604.0 ms max latency.")).isEmpty());
        assertTrue(ToolOutput.varveProducer(List.of("1200 records sent, 1200 records/s (1.23 MB/s)")).isEmpty());
    }

    @Test
    void readsVarvePerfProduce() {
        List<String> lines = List.of("1200 records sent, 1200 records/s (1.23 MB/s)",
            "100000 records sent, 51234.5 records/s (52.46 MB/s), latency ms: avg 3.10, p50 2.50, p95 7.00, p99 9.25,"
                + " p99.9 20.50, max 31.00");
        Metrics m = ToolOutput.varveProducer(lines).orElseThrow();
        assertEquals(new Metrics(100_000, 51234.5, 52.46, 2.50, 9.25, 20.50), m);
    }

    @Test
    void readsVarvePerfConsumeWithoutLatency() {
        Metrics m = ToolOutput.varveConsumer(List.of("50000 records consumed, 50000 records/s",
            "100000 records consumed, 250000.0 records/s, 256.00 MB/s")).orElseThrow();
        assertEquals(100_000, m.records());
        assertEquals(250_000.0, m.recordsPerSec());
        assertEquals(256.0, m.mbPerSec());
        assertTrue(Double.isNaN(m.p99Ms()));
    }

    @Test
    void readsKafkasConsumerPerformanceFetchColumns() {
        List<String> lines = List.of("some warning",
            "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,"
                + " fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec",
            "2026-11-21 11:00:00:000, 2026-11-21 11:00:04:000, 97.6563, 24.4141, 100000, 25000.0000, 3000, 1000,"
                + " 97.6563, 100000.0000");
        Metrics m = ToolOutput.kafkaConsumer(lines).orElseThrow();
        assertEquals(100_000, m.records());
        assertEquals(100_000.0, m.recordsPerSec());
        assertEquals(97.6563 * MIB_IN_MB, m.mbPerSec(), 1e-9);
    }

    @Test
    void aConsumerPerformanceRunThatReadNothingHasNoMetrics() {
        List<String> lines = List.of(
            "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,"
                + " fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec",
            "2026-11-21 11:00:00:000, 2026-11-21 11:00:10:000, 0.0000, 0.0000, 0, 0.0000, 0, 10000, 0.0000, 0.0000");
        assertTrue(ToolOutput.kafkaConsumer(lines).isEmpty());
        assertTrue(ToolOutput.kafkaConsumer(List.of("WARN could not find coordinator")).isEmpty());
    }
}
