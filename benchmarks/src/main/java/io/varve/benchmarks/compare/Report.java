package io.varve.benchmarks.compare;

import io.varve.benchmarks.compare.RunResult.Tool;
import java.util.List;
import java.util.Map;

/**
 * The comparison's section of {@code docs/benchmarks.md}, as markdown, between two markers so that
 * the next run replaces it and leaves the rest of the page alone. Pure: text in, text out.
 */
public final class Report {

    static final String BEGIN = "<!-- side-by-side:begin (written by benchmarks/compare.sh; edits here are overwritten) -->";
    static final String END = "<!-- side-by-side:end -->";

    /**
     * What the section says besides the summary.
     *
     * @param machine    rows of the machine table (name, value), in order
     * @param command    the command that produced it
     * @param note       a paragraph on how far to trust the numbers
     * @param workloads  the workloads, for the method list
     * @param rounds     A B rounds run
     * @param profile    the JFR summary, or null when none was taken
     * @param profileWhy what the profile ran, or null
     */
    record Context(Map<String, String> machine, String command, String note, List<Workload> workloads, int rounds,
                   JfrSummary profile, String profileWhy) {
    }

    private Report() {
    }

    /** Replaces the marked section of {@code page} with {@code section}, or appends it when there is none. */
    static String splice(String page, String section) {
        String block = BEGIN + "\n" + section.strip() + "\n" + END + "\n";
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        if (begin >= 0 && end > begin) {
            return page.substring(0, begin) + block + page.substring(end + END.length()).replaceFirst("^\\n", "");
        }
        return page.endsWith("\n\n") ? page + block : page.endsWith("\n") ? page + "\n" + block : page + "\n\n" + block;
    }

    static String render(Summary summary, Context c) {
        StringBuilder md = new StringBuilder();
        md.append("## Side by side with Apache Kafka\n\n");
        md.append(c.note()).append("\n\n");
        md.append("```\n").append(c.command()).append("\n```\n\n");
        md.append("| machine | |\n|---|---|\n");
        c.machine().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n### Method\n\n");
        md.append(String.format("%d rounds; each round starts Apache Kafka, runs every workload with each tool, stops it,"
            + " then does the same with Varve (A B A B), so drift on the machine hits both. Each broker is its own JVM"
            + " with the same heap and G1 flags, one node with the broker and controller roles, a fresh data"
            + " directory; each run writes a fresh topic of 6 partitions (replication 1), created with the admin client."
            + " Tables give the **median over the rounds**; ratios are Varve / Kafka.%n%n", c.rounds()));
        for (Workload w : c.workloads()) {
            md.append("- `").append(w.name()).append("`: ").append(w.describe()).append('\n');
        }
        md.append("\nTools: Kafka's `ProducerPerformance` / `ConsumerPerformance` (the official client) and `varve perf"
            + " produce|consume` (Varve's client), each against both brokers. Latency is send to acknowledgement as"
            + " the tool reports it; MB is 10^6 bytes of record values; consumer rates leave out the consumer group's"
            + " join (Kafka's `fetch.*` columns). Broker CPU is utime + stime from `/proc/<pid>/stat` around each run,"
            + " per 10^9 value bytes; RSS is `VmRSS` once the broker answers (idle) and `VmHWM` when it stops (peak).\n\n");
        md.append("### Results\n\n");
        md.append("| workload | client | Kafka records/s | Varve records/s | ratio | Kafka MB/s | Varve MB/s"
            + " | Kafka p50 / p99 / p99.9 ms | Varve p50 / p99 / p99.9 ms | p99 ratio | Kafka CPU s/GB | Varve CPU s/GB"
            + " | CPU ratio | runs ok K / V |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Summary.Row r : summary.rows()) {
            md.append("| ").append(r.workload().name()).append(" | ").append(r.tool().title)
                .append(" | ").append(rate(r.kafka().recordsPerSec())).append(" | ").append(rate(r.varve().recordsPerSec()))
                .append(" | ").append(ratio(r.throughputRatio()))
                .append(" | ").append(num(r.kafka().mbPerSec())).append(" | ").append(num(r.varve().mbPerSec()))
                .append(" | ").append(latencies(r.kafka())).append(" | ").append(latencies(r.varve()))
                .append(" | ").append(ratio(r.p99Ratio()))
                .append(" | ").append(num(r.kafka().cpuSecondsPerGb())).append(" | ").append(num(r.varve().cpuSecondsPerGb()))
                .append(" | ").append(ratio(r.cpuRatio()))
                .append(" | ").append(r.kafka().runs()).append(" / ").append(r.varve().runs()).append(" |\n");
        }
        List<Summary.Row> failed = summary.rows().stream()
            .filter(r -> r.kafka().lastFailure() != null || r.varve().lastFailure() != null).toList();
        if (!failed.isEmpty()) {
            md.append("\nFailed runs (the last failure of each):\n\n");
            for (Summary.Row r : failed) {
                appendFailure(md, r, "Kafka", r.kafka());
                appendFailure(md, r, "Varve", r.varve());
            }
        }
        md.append("\n| broker | sessions | idle RSS MiB | peak RSS MiB | at the end: anonymous MiB | at the end: mapped files MiB |\n"
            + "|---|---|---|---|---|---|\n");
        for (Summary.MemoryRow m : summary.memory()) {
            md.append("| ").append(m.broker().title).append(" | ").append(m.sessions()).append(" | ")
                .append(num(m.idleRssBytes() / (1 << 20))).append(" | ").append(num(m.peakRssBytes() / (1 << 20)))
                .append(" | ").append(num(m.endAnonBytes() / (1 << 20))).append(" | ")
                .append(num(m.endFileBytes() / (1 << 20))).append(" |\n");
        }
        md.append("\nRSS counts the pages of memory-mapped files a process has touched (`RssFile`): Varve maps its"
            + " log segments, Kafka writes its with `write(2)`, whose page cache is not in its RSS. The anonymous"
            + " part (`RssAnon`: heap, stacks, direct buffers) compares like with like.\n");
        md.append("\n![records per second, median](img/compare-throughput.png)\n\n");
        md.append("![p99 latency, median](img/compare-latency.png)\n\n");
        md.append("### Targets\n\n| target | goal | measured (Varve / Kafka) | met |\n|---|---|---|---|\n");
        for (Summary.Target t : summary.targets()) {
            md.append("| ").append(t.name()).append(" | ").append(t.goal()).append(" | ").append(t.measured())
                .append(" | ").append(t.met() == null ? "not judged" : t.met() ? "**yes**" : "**no**").append(" |\n");
        }
        if (c.profile() != null) {
            appendProfile(md, c);
        }
        return md.toString();
    }

    private static void appendFailure(StringBuilder md, Summary.Row r, String side, Summary.Cell cell) {
        if (cell.lastFailure() != null) {
            md.append("- ").append(r.workload().name()).append(", ").append(r.tool().title).append(" against ")
                .append(side).append(" (").append(cell.failures()).append(" failed): `")
                .append(cell.lastFailure().replace('`', '\'').replace('|', '/')).append("`\n");
        }
    }

    private static void appendProfile(StringBuilder md, Context c) {
        JfrSummary p = c.profile();
        md.append("\n### Where the Varve broker spends its time\n\n").append(c.profileWhy())
            .append(String.format(" %,d execution samples.%n%n", p.samples()));
        md.append("| top frame (self) | share |\n|---|---|\n");
        for (JfrSummary.Hot h : p.topFrames()) {
            md.append("| `").append(h.frame()).append("` | ").append(String.format("%.1f %%", 100 * h.share())).append(" |\n");
        }
        md.append("\n| first Varve frame on the stack | share |\n|---|---|\n");
        for (JfrSummary.Hot h : p.topVarveFrames()) {
            md.append("| `").append(h.frame()).append("` | ").append(String.format("%.1f %%", 100 * h.share())).append(" |\n");
        }
    }

    static String latencies(Summary.Cell cell) {
        if (Double.isNaN(cell.p99Ms())) {
            return "-";
        }
        return num(cell.p50Ms()) + " / " + num(cell.p99Ms()) + " / " + num(cell.p999Ms());
    }

    static String rate(double v) {
        return Double.isNaN(v) ? "-" : String.format("%,.0f", v);
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v >= 100 ? String.format("%,.0f", v) : v >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
    }

    static String ratio(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.2f", v);
    }

    /** Chart groups: one per workload and tool, Kafka then Varve. */
    static List<BarChart.Group> groups(Summary summary, boolean latency) {
        return summary.rows().stream()
            .filter(r -> !latency || r.workload().kind() == Workload.Kind.PRODUCE)
            .filter(r -> latency || !r.workload().fixedRate())
            .map(r -> new BarChart.Group(r.workload().name() + " (" + (r.tool() == Tool.KAFKA_PERF ? "Kafka tool" : "varve perf") + ")",
                latency ? new double[] {r.kafka().p99Ms(), r.varve().p99Ms()}
                    : new double[] {r.kafka().recordsPerSec(), r.varve().recordsPerSec()}))
            .toList();
    }
}
