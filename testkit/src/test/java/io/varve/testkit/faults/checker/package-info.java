/**
 * An independent checker for the fault suite (DESIGN §7 tier 5): {@link io.varve.testkit.faults.checker.History}
 * records what a workload sent and what the brokers acknowledged, {@link io.varve.testkit.faults.checker.ReadBack}
 * reads a topic back with the official consumer, and {@link io.varve.testkit.faults.checker.Checker}
 * compares the two into a {@link io.varve.testkit.faults.checker.CheckReport};
 * {@link io.varve.testkit.faults.checker.CommitHistory} does the same for a consumer group's committed
 * offsets. Nothing here starts, stops or damages a process, and nothing here imports Varve's own
 * code: the checker trusts only what a Kafka client saw.
 */
package io.varve.testkit.faults.checker;
