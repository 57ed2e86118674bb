/**
 * The side-by-side comparison of Varve with Apache Kafka ({@code benchmarks/compare.sh}): starts
 * each broker in turn as its own JVM with the same heap, one node and the same topic layout, runs
 * the same loads against each with Kafka's perf tools and with {@code varve perf}, alternating
 * A B A B, reads the tools' summaries and the brokers' {@code /proc} counters, and writes the
 * medians, ratios, targets and charts into {@code docs/benchmarks.md}. Processes only: nothing here
 * links the broker; the parsing and arithmetic are pure and unit-tested.
 */
package io.varve.benchmarks.compare;
