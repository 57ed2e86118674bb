package io.varve.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.benchmarks.compare.RunResult.Broker;
import io.varve.benchmarks.compare.RunResult.Tool;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

    /** The fixed rate, 100 records/s, sits below every run's rate in these tests: the rate is kept. */
    private static final List<Workload> WORKLOADS = Workload.standard(1000, 100, 5);

    private static RunResult produce(int round, Broker b, Tool t, String workload, double recordsPerSec, double p99,
                                     double cpu) {
        return RunResult.ok(round, b, t, workload, new Metrics(1000, recordsPerSec, recordsPerSec / 1000, p99 / 2, p99,
            p99 * 2), cpu);
    }

    /** Every workload and tool on both brokers, Varve {@code factor} x Kafka's rate, the given p99s and CPU. */
    private static List<RunResult> runs(double factor, double varveP99, double varveCpu) {
        List<RunResult> runs = new ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            for (Workload w : WORKLOADS) {
                for (Tool t : Tool.values()) {
                    double kafkaRate = 1000 * round; // rounds 1000, 2000, 3000: median 2000
                    runs.add(produce(round, Broker.KAFKA, t, w.name(), kafkaRate, 10, 6));
                    runs.add(produce(round, Broker.VARVE, t, w.name(), kafkaRate * factor, varveP99, varveCpu));
                }
            }
        }
        return runs;
    }

    private static List<Summary.MemorySample> memory(long kafkaIdle, long varveIdle) {
        return List.of(new Summary.MemorySample(1, Broker.KAFKA, kafkaIdle, 2 * kafkaIdle),
            new Summary.MemorySample(1, Broker.VARVE, varveIdle, 2 * varveIdle));
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, Summary.median(List.of(3.0, 1.0, 2.0), d -> d));
        assertEquals(2.5, Summary.median(List.of(4.0, 1.0, 2.0, 3.0), d -> d));
        assertEquals(2.0, Summary.median(List.of(Double.NaN, 1.0, 3.0), d -> d), "NaN is left out");
        assertTrue(Double.isNaN(Summary.median(List.<Double>of(), d -> d)));
    }

    @Test
    void rowsHoldMediansAndRatios() {
        Summary s = Summary.of(WORKLOADS, runs(2.0, 4, 2), memory(400, 100));
        Summary.Row row = s.rows().get(0);
        assertEquals(2000, row.kafka().recordsPerSec());
        assertEquals(4000, row.varve().recordsPerSec());
        assertEquals(2.0, row.throughputRatio());
        assertEquals(0.4, row.p99Ratio(), 1e-12);
        assertEquals(2 / 6.0, row.cpuRatio(), 1e-12);
        assertEquals(3, row.kafka().runs());
        assertEquals(WORKLOADS.size() * Tool.values().length, s.rows().size());
    }

    @Test
    void everyTargetMetWhenVarveIsFastLeanAndQuick() {
        Summary s = Summary.of(WORKLOADS, runs(2.0, 4, 2), memory(400, 100));
        assertEquals(List.of(true, true, true, true), s.targets().stream().map(Summary.Target::met).toList());
        assertFalse(s.anyTargetMissed());
    }

    @Test
    void eachTargetMissedOnItsOwnMeasure() {
        Summary s = Summary.of(WORKLOADS, runs(1.2, 6, 4), memory(400, 300));
        assertEquals(List.of(false, false, false, false), s.targets().stream().map(Summary.Target::met).toList());
        assertTrue(s.anyTargetMissed());
        assertTrue(s.targets().get(0).measured().contains("1.20 x"), s.targets().get(0).measured());
    }

    @Test
    void aFixedRateRunThatFellBehindItsRateLeavesLatencyUnjudged() {
        List<RunResult> runs = new ArrayList<>(runs(2.0, 4, 2));
        runs.replaceAll(r -> r.workload().equals("fixed-rate-acksall") && r.broker() == Broker.KAFKA
            ? produce(r.round(), Broker.KAFKA, r.tool(), r.workload(), 80, 10, 6) : r);
        Summary s = Summary.of(WORKLOADS, runs, memory(400, 100));
        Summary.Target latency = s.targets().get(1);
        assertNull(latency.met());
        assertTrue(latency.measured().contains("not kept"), latency.measured());
        assertTrue(Summary.keptRate(WORKLOADS.get(3), s.rows().get(6).varve()));
    }

    @Test
    void aFailedSideLeavesTheTargetUnjudgedAndKeepsTheFailure() {
        List<RunResult> runs = new ArrayList<>(runs(2.0, 4, 2));
        runs.removeIf(r -> r.broker() == Broker.VARVE && r.workload().equals("fixed-rate-acksall"));
        runs.add(RunResult.failed(1, Broker.VARVE, Tool.KAFKA_PERF, "fixed-rate-acksall", "exit 1: boom"));
        Summary s = Summary.of(WORKLOADS, runs, memory(400, 100));
        assertNull(s.targets().get(1).met());
        Summary.Row fixed = s.rows().stream().filter(r -> r.workload().fixedRate() && r.tool() == Tool.KAFKA_PERF)
            .findFirst().orElseThrow();
        assertEquals(1, fixed.varve().failures());
        assertEquals("exit 1: boom", fixed.varve().lastFailure());
        assertTrue(Double.isNaN(fixed.p99Ratio()));
    }
}
