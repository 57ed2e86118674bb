package io.varve.benchmarks.compare;

import io.varve.benchmarks.compare.RunResult.Broker;
import io.varve.benchmarks.compare.RunResult.Tool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs one workload with one tool against a running broker, as a child JVM, and reads the broker's
 * CPU time around it. The tools run with their defaults but for what the workload fixes (record
 * size, acks, rate); the clients' own defaults are Kafka's in both (acks=all, idempotence, linger 5 ms,
 * 16 KiB batches) unless the workload says otherwise.
 */
final class LoadRunner {

    /** Heap of a perf tool's JVM. */
    private static final String TOOL_HEAP = "-Xmx512m";
    /** How long a consumer waits without records before it gives up. */
    private static final long CONSUMER_IDLE_TIMEOUT_MS = 10_000;

    private final CompareOptions options;
    private final long clockTicksPerSecond;

    LoadRunner(CompareOptions options, long clockTicksPerSecond) {
        this.options = options;
        this.clockTicksPerSecond = clockTicksPerSecond;
    }

    RunResult run(int round, BrokerProcess broker, Tool tool, Workload w, String topic, Path log)
            throws IOException, InterruptedException {
        long ticksBefore = ProcStats.cpuTicks(broker.pid());
        ChildJvm child = ChildJvm.start(jvmArgs(tool), mainAndArgs(tool, w, topic, broker.bootstrapServers(), round),
            log);
        int exit = child.await(timeoutMs(w));
        long ticks = ProcStats.cpuTicks(broker.pid()) - ticksBefore;
        List<String> lines = child.lines();
        Optional<Metrics> metrics = parse(tool, w, lines);
        if (exit != 0 || metrics.isEmpty() || metrics.get().records() < w.records()) {
            String why = exit == -1 ? "timed out after " + timeoutMs(w) / 1000 + " s" : "exit " + exit;
            return RunResult.failed(round, broker.broker(), tool, w.name(), why + ": " + lastMeaningfulLine(lines));
        }
        long bytes = metrics.get().records() * w.recordSize();
        return RunResult.ok(round, broker.broker(), tool, w.name(), metrics.get(),
            ProcStats.cpuSecondsPerGb(ticks, clockTicksPerSecond, bytes));
    }

    private List<String> jvmArgs(Tool tool) {
        if (tool == Tool.KAFKA_PERF) {
            return BrokerProcess.kafkaJvmArgs(options, List.of(TOOL_HEAP));
        }
        List<String> args = new ArrayList<>(options.varveJvmFlags());
        args.add(TOOL_HEAP);
        args.add("-jar");
        args.add(options.varveJar().toString());
        return args;
    }

    static List<String> mainAndArgs(Tool tool, Workload w, String topic, String bootstrap, int round) {
        String records = Long.toString(w.records());
        String rate = Long.toString(w.fixedRate() ? w.ratePerSec() : -1);
        if (tool == Tool.KAFKA_PERF) {
            return w.kind() == Workload.Kind.PRODUCE
                ? List.of("org.apache.kafka.tools.ProducerPerformance", "--bootstrap-server", bootstrap, "--topic", topic,
                    "--num-records", records, "--record-size", Integer.toString(w.recordSize()), "--throughput", rate,
                    "--command-property", "acks=" + w.acks())
                : List.of("org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrap, "--topic", topic,
                    "--num-records", records, "--timeout", Long.toString(CONSUMER_IDLE_TIMEOUT_MS),
                    "--group", "bench-" + round + "-" + topic);
        }
        return w.kind() == Workload.Kind.PRODUCE
            ? List.of("perf", "produce", "--bootstrap-server", bootstrap, "--topic", topic, "--num-records", records,
                "--record-size", Integer.toString(w.recordSize()), "--throughput", rate, "--acks", w.acks())
            : List.of("perf", "consume", "--bootstrap-server", bootstrap, "--topic", topic, "--num-records", records,
                "--timeout-ms", Long.toString(CONSUMER_IDLE_TIMEOUT_MS));
    }

    static Optional<Metrics> parse(Tool tool, Workload w, List<String> lines) {
        boolean produce = w.kind() == Workload.Kind.PRODUCE;
        if (tool == Tool.KAFKA_PERF) {
            return produce ? ToolOutput.kafkaProducer(lines) : ToolOutput.kafkaConsumer(lines);
        }
        return produce ? ToolOutput.varveProducer(lines) : ToolOutput.varveConsumer(lines);
    }

    /** Generous: a minute plus the run at 2 MB/s, or the fixed-rate run's length plus a minute. */
    static long timeoutMs(Workload w) {
        long runMs = w.fixedRate() ? w.records() * 1000 / w.ratePerSec() : w.bytes() / 2_000;
        return 60_000 + runMs;
    }

    /** The last line that says something (not a progress line), shortened, for the failure column. */
    static String lastMeaningfulLine(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.matches("^\\d+ records (sent|consumed).*") || line.startsWith("at ")) {
                continue;
            }
            return line.length() > 160 ? line.substring(0, 160) + "..." : line;
        }
        return "no output";
    }
}
