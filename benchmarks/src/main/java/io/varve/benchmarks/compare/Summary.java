package io.varve.benchmarks.compare;

import io.varve.benchmarks.compare.RunResult.Broker;
import io.varve.benchmarks.compare.RunResult.Tool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Medians per workload, tool and broker over the rounds, the Varve / Kafka ratios, and the four
 * targets with whether each is met. Pure: built from the runs and memory samples alone.
 */
public final class Summary {

    /** Medians of one workload with one tool against one broker, over its successful runs. */
    public record Cell(int runs, int failures, double recordsPerSec, double mbPerSec, double p50Ms, double p99Ms,
                       double p999Ms, double cpuSecondsPerGb, String lastFailure) {
    }

    /** One row: a workload driven by a tool, against both brokers. */
    public record Row(Workload workload, Tool tool, Cell kafka, Cell varve) {

        public double throughputRatio() {
            return ratio(varve.recordsPerSec, kafka.recordsPerSec);
        }

        public double p99Ratio() {
            return ratio(varve.p99Ms, kafka.p99Ms);
        }

        public double cpuRatio() {
            return ratio(varve.cpuSecondsPerGb, kafka.cpuSecondsPerGb);
        }
    }

    /**
     * A broker's resident memory: medians over its sessions of idle (after start) and peak RSS, and of
     * the anonymous and file-mapped parts of RSS at the end of the session, bytes.
     */
    public record MemoryRow(Broker broker, int sessions, double idleRssBytes, double peakRssBytes, double endAnonBytes,
                            double endFileBytes) {
    }

    /**
     * A stated target and how it came out.
     *
     * @param met null when it could not be judged (a side failed)
     */
    public record Target(String name, String goal, String measured, Boolean met) {
    }

    /** A memory sample of one broker session; the anon/file split is taken at its end (-1 when unknown). */
    public record MemorySample(int round, Broker broker, long idleRssBytes, long peakRssBytes, long endAnonBytes,
                               long endFileBytes) {

        public MemorySample(int round, Broker broker, long idleRssBytes, long peakRssBytes) {
            this(round, broker, idleRssBytes, peakRssBytes, -1, -1);
        }
    }

    /** A fixed-rate run that reaches less than this share of its rate measures queueing, not latency. */
    static final double KEPT_RATE_SHARE = 0.9;

    private final List<Row> rows;
    private final List<MemoryRow> memory;
    private final List<Target> targets;

    private Summary(List<Row> rows, List<MemoryRow> memory, List<Target> targets) {
        this.rows = rows;
        this.memory = memory;
        this.targets = targets;
    }

    public static Summary of(List<Workload> workloads, List<RunResult> runs, List<MemorySample> samples) {
        List<Row> rows = new ArrayList<>();
        for (Workload w : workloads) {
            for (Tool tool : Tool.values()) {
                rows.add(new Row(w, tool, cell(runs, w.name(), tool, Broker.KAFKA), cell(runs, w.name(), tool, Broker.VARVE)));
            }
        }
        List<MemoryRow> memory = new ArrayList<>();
        for (Broker b : Broker.values()) {
            List<MemorySample> mine = samples.stream().filter(s -> s.broker() == b).toList();
            memory.add(new MemoryRow(b, mine.size(), median(mine, s -> s.idleRssBytes()),
                median(mine, s -> s.peakRssBytes()), median(mine, s -> known(s.endAnonBytes())),
                median(mine, s -> known(s.endFileBytes()))));
        }
        return new Summary(rows, memory, targets(rows, memory));
    }

    public List<Row> rows() {
        return rows;
    }

    public List<MemoryRow> memory() {
        return memory;
    }

    public List<Target> targets() {
        return targets;
    }

    /** Whether some target was judged and missed. */
    public boolean anyTargetMissed() {
        return targets.stream().anyMatch(t -> Boolean.FALSE.equals(t.met()));
    }

    static Cell cell(List<RunResult> runs, String workload, Tool tool, Broker broker) {
        List<RunResult> mine = runs.stream()
            .filter(r -> r.workload().equals(workload) && r.tool() == tool && r.broker() == broker).toList();
        List<RunResult> ok = mine.stream().filter(r -> r.metrics().isPresent()).toList();
        String lastFailure = mine.stream().filter(r -> r.failure() != null).map(RunResult::failure)
            .reduce((a, b) -> b).orElse(null);
        return new Cell(ok.size(), mine.size() - ok.size(),
            median(ok, r -> r.metrics().get().recordsPerSec()), median(ok, r -> r.metrics().get().mbPerSec()),
            median(ok, r -> r.metrics().get().p50Ms()), median(ok, r -> r.metrics().get().p99Ms()),
            median(ok, r -> r.metrics().get().p999Ms()), median(ok, RunResult::cpuSecondsPerGb), lastFailure);
    }

    /** The median of the values that are numbers; NaN when there are none. Even counts average the middle two. */
    static <T> double median(List<T> items, ToDoubleFunction<T> value) {
        double[] v = items.stream().mapToDouble(value).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    private static double known(long bytes) {
        return bytes < 0 ? Double.NaN : bytes;
    }

    static double ratio(double varve, double kafka) {
        return Double.isNaN(varve) || Double.isNaN(kafka) || kafka == 0 ? Double.NaN : varve / kafka;
    }

    private static List<Target> targets(List<Row> rows, List<MemoryRow> memory) {
        List<Target> out = new ArrayList<>();
        List<Row> fastProduce = rows.stream().filter(r -> r.tool() == Tool.KAFKA_PERF
            && r.workload().kind() == Workload.Kind.PRODUCE && !r.workload().fixedRate()).toList();
        out.add(worst("throughput", "Varve >= 1.5 x Kafka records/s, same client (Kafka's ProducerPerformance), every"
            + " as-fast-as-possible produce workload", fastProduce, Row::throughputRatio, 1.5, true));
        List<Row> fixed = rows.stream().filter(r -> r.tool() == Tool.KAFKA_PERF && r.workload().fixedRate()).toList();
        String latencyGoal = "Varve p99 <= 0.5 x Kafka's at a fixed rate, acks=all, Kafka's ProducerPerformance";
        List<Row> behind = fixed.stream().filter(r -> !keptRate(r.workload(), r.kafka()) || !keptRate(r.workload(), r.varve()))
            .toList();
        if (behind.isEmpty()) {
            out.add(worst("latency", latencyGoal, fixed, Row::p99Ratio, 0.5, false));
        } else {
            Row r = behind.get(0);
            out.add(new Target("latency", latencyGoal, String.format("n/a: the rate was not kept (%,d records/s asked;"
                + " Kafka %,.0f, Varve %,.0f), so the latencies are queueing, not service", r.workload().ratePerSec(),
                r.kafka().recordsPerSec(), r.varve().recordsPerSec()), null));
        }
        out.add(worst("broker CPU", "Varve broker CPU seconds per GB <= 0.5 x Kafka's, every as-fast-as-possible"
            + " produce workload with Kafka's ProducerPerformance", fastProduce, Row::cpuRatio, 0.5, false));
        Map<Broker, MemoryRow> byBroker = Map.of(memory.get(0).broker(), memory.get(0), memory.get(1).broker(), memory.get(1));
        double rss = ratio(byBroker.get(Broker.VARVE).idleRssBytes(), byBroker.get(Broker.KAFKA).idleRssBytes());
        out.add(new Target("idle memory", "Varve idle RSS <= 0.5 x Kafka's, same heap settings",
            Double.isNaN(rss) ? "n/a" : String.format("%.2f x", rss), Double.isNaN(rss) ? null : rss <= 0.5));
        return out;
    }

    /** Whether a fixed-rate run reached at least 90 % of its rate (NaN, i.e. failed, counts as not). */
    static boolean keptRate(Workload w, Cell cell) {
        return cell.recordsPerSec() >= KEPT_RATE_SHARE * w.ratePerSec();
    }

    /** The worst ratio over {@code rows} against {@code bound}: at least it when {@code atLeast}, else at most it. */
    private static Target worst(String name, String goal, List<Row> rows, ToDoubleFunction<Row> ratio, double bound,
                                boolean atLeast) {
        double[] ratios = rows.stream().mapToDouble(ratio).toArray();
        if (ratios.length == 0 || Arrays.stream(ratios).anyMatch(Double::isNaN)) {
            return new Target(name, goal, "n/a (a run failed on one side)", null);
        }
        double worst = atLeast ? Arrays.stream(ratios).min().getAsDouble() : Arrays.stream(ratios).max().getAsDouble();
        StringBuilder measured = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            measured.append(i == 0 ? "" : ", ").append(rows.get(i).workload().name())
                .append(String.format(" %.2f x", ratios[i]));
        }
        return new Target(name, goal, measured.toString(), atLeast ? worst >= bound : worst <= bound);
    }
}
