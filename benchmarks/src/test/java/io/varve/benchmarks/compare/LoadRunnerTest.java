package io.varve.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.benchmarks.compare.RunResult.Tool;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadRunnerTest {

    private static final Workload FIXED = new Workload("fixed-rate-acksall", Workload.Kind.PRODUCE, 1024, "all", 10_000,
        50_000);
    private static final Workload FAST = new Workload("produce-1k-acks1", Workload.Kind.PRODUCE, 1024, "1", -1, 100_000);
    private static final Workload CONSUME = new Workload("consume-1k", Workload.Kind.CONSUME, 1024, "1", -1, 100_000);

    @Test
    void bothToolsGetTheSameLoad() {
        List<String> kafka = LoadRunner.mainAndArgs(Tool.KAFKA_PERF, FIXED, "t", "127.0.0.1:1", 1);
        assertEquals(List.of("org.apache.kafka.tools.ProducerPerformance", "--bootstrap-server", "127.0.0.1:1", "--topic",
            "t", "--num-records", "50000", "--record-size", "1024", "--throughput", "10000", "--command-property",
            "acks=all"), kafka);
        List<String> varve = LoadRunner.mainAndArgs(Tool.VARVE_PERF, FAST, "t", "127.0.0.1:1", 1);
        assertEquals(List.of("perf", "produce", "--bootstrap-server", "127.0.0.1:1", "--topic", "t", "--num-records",
            "100000", "--record-size", "1024", "--throughput", "-1", "--acks", "1"), varve);
        assertEquals("org.apache.kafka.tools.ConsumerPerformance",
            LoadRunner.mainAndArgs(Tool.KAFKA_PERF, CONSUME, "t", "b", 2).get(0));
        assertEquals(List.of("perf", "consume"), LoadRunner.mainAndArgs(Tool.VARVE_PERF, CONSUME, "t", "b", 2).subList(0, 2));
    }

    @Test
    void timeoutsLeaveRoomForASlowMachine() {
        assertEquals(60_000 + 5_000, LoadRunner.timeoutMs(FIXED));
        assertEquals(60_000 + 100_000L * 1024 / 2_000, LoadRunner.timeoutMs(FAST));
    }

    @Test
    void theFailureColumnSkipsProgressLinesAndStackFrames() {
        String line = LoadRunner.lastMeaningfulLine(List.of("java ...", "Exception: boom",
            "\tat org.example.Foo.bar(Foo.java:1)", "1000 records sent, 1000 records/s (1.02 MB/s)", ""));
        assertEquals("Exception: boom", line);
        assertEquals("no output", LoadRunner.lastMeaningfulLine(List.of()));
        assertTrue(LoadRunner.lastMeaningfulLine(List.of("x".repeat(500))).endsWith("..."));
    }

    @Test
    void parsesWithTheToolsOwnFormat() {
        List<String> varveOut = List.of("100000 records consumed, 250000.0 records/s, 256.00 MB/s");
        assertEquals(100_000, LoadRunner.parse(Tool.VARVE_PERF, CONSUME, varveOut).orElseThrow().records());
        assertTrue(LoadRunner.parse(Tool.KAFKA_PERF, CONSUME, varveOut).isEmpty());
    }
}
