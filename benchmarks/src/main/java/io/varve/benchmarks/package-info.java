/**
 * JMH suites and small measuring programs for the storage engine: append, read and recovery
 * throughput of a {@link io.varve.storage.PartitionLog}, against a no-logic baseline where one
 * makes sense, and the heap an idle partition costs. Results and the commands that produced them
 * are in {@code docs/benchmarks.md}. Measured, never asserted: nothing here runs in {@code mvn verify}
 * beyond compilation, and nothing outside this package depends on it.
 */
package io.varve.benchmarks;
