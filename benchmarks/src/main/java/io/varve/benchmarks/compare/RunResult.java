package io.varve.benchmarks.compare;

import java.util.Optional;

/**
 * One run of one workload with one tool against one broker.
 *
 * @param round           1-based round
 * @param broker          which broker served it
 * @param tool            which client drove it
 * @param workload        the workload's name
 * @param metrics         what the tool reported, empty when the run failed
 * @param failure         why it failed (the tool's last lines), or null
 * @param cpuSecondsPerGb broker CPU seconds (user + system) per 10^9 value bytes moved, NaN if unknown
 */
public record RunResult(int round, Broker broker, Tool tool, String workload, Optional<Metrics> metrics, String failure,
                        double cpuSecondsPerGb) {

    /** The two brokers compared. */
    public enum Broker {
        KAFKA("Apache Kafka"), VARVE("Varve");

        final String title;

        Broker(String title) {
            this.title = title;
        }
    }

    /** The two load generators, each run against both brokers. */
    public enum Tool {
        KAFKA_PERF("Kafka perf tools"), VARVE_PERF("varve perf");

        final String title;

        Tool(String title) {
            this.title = title;
        }
    }

    static RunResult ok(int round, Broker broker, Tool tool, String workload, Metrics metrics, double cpuSecondsPerGb) {
        return new RunResult(round, broker, tool, workload, Optional.of(metrics), null, cpuSecondsPerGb);
    }

    static RunResult failed(int round, Broker broker, Tool tool, String workload, String failure) {
        return new RunResult(round, broker, tool, workload, Optional.empty(), failure, Double.NaN);
    }
}
