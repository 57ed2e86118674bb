/**
 * The {@code varve} command: {@link io.varve.cli.Varve} dispatches to the server and the tools
 * (topics, produce, consume, perf). Tools speak the Kafka protocol through Varve's own clients, so
 * they work against any Kafka-compatible broker.
 */
package io.varve.cli;
