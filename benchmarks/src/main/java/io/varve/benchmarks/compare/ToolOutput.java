package io.varve.benchmarks.compare;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the summary a perf tool prints at its end. MB in Kafka's tools is 2^20 bytes and in
 * {@code varve perf} 10^6 bytes; every {@link Metrics} here is in 10^6 bytes, so the two compare.
 * Stateless and thread-safe.
 */
public final class ToolOutput {

    private static final double MIB = 1024.0 * 1024.0;

    /**
     * Kafka ProducerPerformance's last line: {@code 100000 records sent, 49975.0 records/sec (48.80
     * MB/sec), 312.41 ms avg latency, 604.00 ms max latency, 315 ms 50th, 560 ms 95th, 597 ms 99th,
     * 603 ms 99.9th.}
     */
    private static final Pattern KAFKA_PRODUCER = Pattern.compile(
        "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), [\\d.]+ ms avg latency, [\\d.]+ ms max latency,"
            + " ([\\d.]+) ms 50th, [\\d.]+ ms 95th, ([\\d.]+) ms 99th, ([\\d.]+) ms 99\\.9th");

    /** {@code varve perf produce}'s summary (see PerfCommand). */
    private static final Pattern VARVE_PRODUCER = Pattern.compile(
        "(\\d+) records sent, ([\\d.]+) records/s \\(([\\d.]+) MB/s\\), latency ms: avg [\\d.]+, p50 ([\\d.]+),"
            + " p95 [\\d.]+, p99 ([\\d.]+), p99\\.9 ([\\d.]+)");

    /** {@code varve perf consume}'s summary. */
    private static final Pattern VARVE_CONSUMER = Pattern.compile(
        "(\\d+) records consumed, ([\\d.]+) records/s, ([\\d.]+) MB/s");

    private ToolOutput() {
    }

    /** The last summary line of Kafka's ProducerPerformance in {@code lines}, if any. */
    public static Optional<Metrics> kafkaProducer(List<String> lines) {
        return last(lines, KAFKA_PRODUCER).map(m -> new Metrics(Long.parseLong(m.group(1)),
            Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)) * MIB / 1e6,
            Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), Double.parseDouble(m.group(6))));
    }

    /** The summary line of {@code varve perf produce}, if any. */
    public static Optional<Metrics> varveProducer(List<String> lines) {
        return last(lines, VARVE_PRODUCER).map(m -> new Metrics(Long.parseLong(m.group(1)),
            Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
            Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), Double.parseDouble(m.group(6))));
    }

    /** The summary line of {@code varve perf consume}, if any. */
    public static Optional<Metrics> varveConsumer(List<String> lines) {
        return last(lines, VARVE_CONSUMER).map(m -> Metrics.throughputOnly(Long.parseLong(m.group(1)),
            Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))));
    }

    /**
     * Kafka ConsumerPerformance's CSV: a header line starting {@code start.time, end.time} and the
     * line after it. Rates are the {@code fetch.*} columns, which leave out the consumer group's join
     * (varve perf consume assigns partitions and has none); a run that consumed nothing is empty.
     */
    public static Optional<Metrics> kafkaConsumer(List<String> lines) {
        for (int i = lines.size() - 2; i >= 0; i--) {
            String header = lines.get(i).trim();
            if (!header.startsWith("start.time")) {
                continue;
            }
            List<String> names = List.of(header.split(",\\s*"));
            String[] values = lines.get(i + 1).trim().split(",\\s*");
            if (values.length != names.size()) {
                return Optional.empty();
            }
            long records = Long.parseLong(values[names.indexOf("data.consumed.in.nMsg")]);
            if (records == 0) {
                return Optional.empty();
            }
            double mibPerSec = Double.parseDouble(values[names.indexOf("fetch.MB.sec")]);
            double recordsPerSec = Double.parseDouble(values[names.indexOf("fetch.nMsg.sec")]);
            return Optional.of(Metrics.throughputOnly(records, recordsPerSec, mibPerSec * MIB / 1e6));
        }
        return Optional.empty();
    }

    private static Optional<Matcher> last(List<String> lines, Pattern pattern) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = pattern.matcher(lines.get(i));
            if (m.find()) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
