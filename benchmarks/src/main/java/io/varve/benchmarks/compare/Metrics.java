package io.varve.benchmarks.compare;

/**
 * What one run measured; {@code NaN} for what its tool does not report (a consumer has no latency).
 *
 * @param records          records the tool reports as done
 * @param recordsPerSec    records per second, as the tool reports it
 * @param mbPerSec         megabytes (10^6 bytes for varve perf, 2^20 for Kafka's tools: see {@link ToolOutput})
 *                         per second, normalised to 10^6 bytes by the parser
 * @param p50Ms            median latency from send to acknowledgement, milliseconds
 * @param p99Ms            99th percentile latency, milliseconds
 * @param p999Ms           99.9th percentile latency, milliseconds
 */
public record Metrics(long records, double recordsPerSec, double mbPerSec, double p50Ms, double p99Ms, double p999Ms) {

    static Metrics throughputOnly(long records, double recordsPerSec, double mbPerSec) {
        return new Metrics(records, recordsPerSec, mbPerSec, Double.NaN, Double.NaN, Double.NaN);
    }
}
