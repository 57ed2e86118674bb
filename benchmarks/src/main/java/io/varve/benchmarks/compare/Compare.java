package io.varve.benchmarks.compare;

import io.varve.benchmarks.compare.RunResult.Broker;
import io.varve.benchmarks.compare.RunResult.Tool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code benchmarks/compare.sh}: the side-by-side run (see the package javadoc). Prints a progress
 * line per run, then the summary, and writes it into {@code docs/benchmarks.md} with two charts in
 * {@code docs/img/}. When a target is missed (or with {@code --jfr always}) it records the Varve
 * broker with JFR during one more produce run and adds the hottest frames.
 */
public final class Compare {

    private final CompareOptions options;
    private final LoadRunner runner;
    private final List<RunResult> results = new ArrayList<>();
    private final List<Summary.MemorySample> memory = new ArrayList<>();

    private Compare(CompareOptions options, long clockTicks) {
        this.options = options;
        this.runner = new LoadRunner(options, clockTicks);
    }

    public static void main(String[] args) throws Exception {
        CompareOptions options;
        try {
            options = CompareOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("compare: " + e.getMessage());
            System.err.print(CompareOptions.USAGE);
            System.exit(2);
            return;
        }
        System.exit(new Compare(options, clockTicksPerSecond()).run());
    }

    private int run() throws Exception {
        String started = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").format(Instant.now().atZone(ZoneOffset.UTC));
        String loadBefore = loadAverage();
        long startNs = System.nanoTime();
        List<Workload> workloads = options.workloads();
        for (int round = 1; round <= options.rounds(); round++) {
            for (Broker broker : Broker.values()) {
                session(round, broker, workloads);
            }
        }
        Summary summary = Summary.of(workloads, results, memory);
        JfrSummary profile = null;
        String profileWhy = null;
        if (options.jfr().equals("always") || (options.jfr().equals("auto") && summary.anyTargetMissed())) {
            profileWhy = "A target was missed (or `--jfr always`), so one more Varve session ran `" + Workload.CONSUMED
                + "` (three times the records) with Kafka's ProducerPerformance under `-XX:StartFlightRecording`"
                + " (settings=profile; the recording is in `" + options.workDir().resolve("profile") + "`);"
                + " `jfr print --events jdk.ExecutionSample` of the recording gave";
            profile = profile(workloads);
        }
        double minutes = (System.nanoTime() - startNs) / 60e9;
        Map<String, String> machine = machine(started, loadBefore, loadAverage(), minutes);
        String note = (options.quick()
            ? "Quick run: short loads (100,000 records, 5 s at the fixed rate), so start-up transients and tails weigh more"
              + " than in a full run."
            : "Full run.")
            + " Check the load averages below: on a shared machine the numbers are noisy; trust ratios of medians over"
            + " the rounds more than absolute rates.";
        Report.Context context = new Report.Context(machine, options.command(), note, workloads, options.rounds(), profile,
            profileWhy);
        String section = Report.render(summary, context);
        System.out.println();
        System.out.println(section);
        if (options.doc() != null) {
            writeDoc(summary, section);
        }
        return 0;
    }

    /** One broker, started fresh: every tool runs every workload against it, then it stops. */
    private void session(int round, Broker broker, List<Workload> workloads) throws IOException, InterruptedException {
        Path dir = options.workDir().resolve("round-" + round).resolve(broker.name().toLowerCase());
        deleteRecursively(dir);
        progress("round %d/%d: starting %s (heap %s)", round, options.rounds(), broker.title, options.heap());
        try (BrokerProcess process = BrokerProcess.start(broker, options, dir, List.of())) {
            Thread.sleep(2_000); // let start-up work (JIT, metadata) settle before reading idle memory
            long idle = ProcStats.memory(process.pid()).rssBytes();
            for (Tool tool : Tool.values()) {
                for (Workload w : workloads) {
                    if (!process.isAlive()) {
                        results.add(RunResult.failed(round, broker, tool, w.name(), "the broker had exited"));
                        continue;
                    }
                    runOne(round, process, tool, w, dir);
                }
            }
            ProcStats.Memory end = ProcStats.memory(process.pid());
            long peak = end.peakRssBytes();
            memory.add(new Summary.MemorySample(round, broker, idle, peak, end.anonBytes(), end.fileBytes()));
            progress("round %d/%d: %s idle RSS %.0f MiB, peak RSS %.0f MiB", round, options.rounds(), broker.title,
                idle / 1048576.0, peak / 1048576.0);
        } catch (IOException e) {
            progress("round %d/%d: %s failed to start: %s", round, options.rounds(), broker.title, e.getMessage());
            for (Tool tool : Tool.values()) {
                for (Workload w : workloads) {
                    results.add(RunResult.failed(round, broker, tool, w.name(), "the broker did not start"));
                }
            }
        }
    }

    private void runOne(int round, BrokerProcess process, Tool tool, Workload w, Path dir)
            throws IOException, InterruptedException {
        String topic = topic(tool, w.kind() == Workload.Kind.CONSUME ? Workload.CONSUMED : w.name());
        long t0 = System.nanoTime();
        RunResult r;
        try {
            if (w.kind() == Workload.Kind.PRODUCE) {
                process.createTopic(topic, 6);
            }
            r = runner.run(round, process, tool, w, topic, dir.resolve(tool.name().toLowerCase() + "-" + w.name() + ".log"));
        } catch (IOException e) {
            r = RunResult.failed(round, process.broker(), tool, w.name(), e.getMessage());
        }
        results.add(r);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (r.metrics().isPresent()) {
            Metrics m = r.metrics().get();
            progress("round %d/%d %-12s %-16s %-20s %,10.0f rec/s %8.2f MB/s  p99 %s ms  CPU %.2f s/GB  (%.0f s)",
                round, options.rounds(), process.broker().title, tool.title, w.name(), m.recordsPerSec(), m.mbPerSec(),
                Double.isNaN(m.p99Ms()) ? "-" : String.format("%.1f", m.p99Ms()), r.cpuSecondsPerGb(), seconds);
        } else {
            progress("round %d/%d %-12s %-16s %-20s FAILED: %s (%.0f s)", round, options.rounds(), process.broker().title,
                tool.title, w.name(), r.failure(), seconds);
        }
    }

    private static String topic(Tool tool, String workload) {
        return (tool == Tool.KAFKA_PERF ? "k-" : "v-") + workload;
    }

    private JfrSummary profile(List<Workload> workloads) throws IOException, InterruptedException {
        Path dir = options.workDir().resolve("profile");
        deleteRecursively(dir);
        Files.createDirectories(dir);
        Path recording = dir.resolve("varve-broker.jfr").toAbsolutePath();
        Workload base = workloads.stream().filter(x -> x.name().equals(Workload.CONSUMED)).findFirst().orElseThrow();
        // Three times the records of a round's run: a sampling profiler needs the broker busy for a while.
        Workload w = new Workload(base.name(), base.kind(), base.recordSize(), base.acks(), base.ratePerSec(),
            3 * base.records());
        progress("profile: Varve with a flight recording during %s", w.name());
        try (BrokerProcess process = BrokerProcess.start(Broker.VARVE, options, dir,
                List.of("-XX:StartFlightRecording=filename=" + recording + ",settings=profile,dumponexit=true"))) {
            String topic = topic(Tool.KAFKA_PERF, w.name());
            process.createTopic(topic, 6);
            RunResult r = runner.run(0, process, Tool.KAFKA_PERF, w, topic, dir.resolve("produce.log"));
            progress("profile: produce run %s", r.metrics().isPresent() ? "done" : "failed: " + r.failure());
        }
        Path printed = dir.resolve("execution-samples.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jfr").toString(), "print", "--events",
            "jdk.ExecutionSample", recording.toString()).redirectErrorStream(true).redirectOutput(printed.toFile()).start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            progress("profile: jfr print failed; see %s", printed);
            return null;
        }
        JfrSummary summary = JfrSummary.parse(Files.readAllLines(printed), 12);
        progress("profile: %d samples in %s", summary.samples(), recording);
        return summary;
    }

    private void writeDoc(Summary summary, String section) throws IOException {
        Path doc = options.doc();
        Path img = doc.toAbsolutePath().getParent().resolve("img");
        BarChart.write(img.resolve("compare-throughput.png"), "Records per second (median; higher is better)",
            "records/s", List.of("Apache Kafka", "Varve"), Report.groups(summary, false));
        BarChart.write(img.resolve("compare-latency.png"), "p99 latency, send to ack (median; lower is better)",
            "ms", List.of("Apache Kafka", "Varve"), Report.groups(summary, true));
        String page = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "# Benchmarks\n";
        Files.writeString(doc, Report.splice(page, section), StandardCharsets.UTF_8);
        progress("wrote %s and %s/compare-{throughput,latency}.png", doc, img);
    }

    private Map<String, String> machine(String date, String loadBefore, String loadAfter, double minutes) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("date", date);
        m.put("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores (`nproc`)");
        m.put("memory", memTotal());
        m.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("Apache Kafka", options.kafkaVersion() + " broker (kafka_2.13), perf tools from kafka-tools");
        m.put("broker heap", "-Xms" + options.heap() + " -Xmx" + options.heap() + ", " + String.join(" ", BrokerProcess.G1_FLAGS));
        m.put("load average (1, 5, 15 min)", "before " + loadBefore + "; after " + loadAfter);
        m.put("duration", String.format("%.1f min", minutes));
        return m;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .map(l -> String.format("%.1f GiB", Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0))
                .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** {@code getconf CLK_TCK}: the unit of /proc/<pid>/stat's CPU times (100 on Linux almost always). */
    private static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to Linux's fixed user-space value
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }

    private static void progress(String format, Object... args) {
        System.out.printf("[compare] " + format + "%n", args);
        System.out.flush();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
