/**
 * Idempotent-producer state of one partition (Idempotent Receiver): for each producer id its epoch
 * and its last five batches' sequence numbers and offsets, the checks a leader append must pass
 * ({@link io.varve.storage.producer.ProducerStateManager}), and the versioned, CRC32C-checked
 * snapshot files ({@code <offset>.snapshot}) that spare a restart from replaying the whole log.
 *
 * <p>May use: {@code protocol}'s record-batch flyweight, Agrona collections, the atomic file helpers
 * of {@code io.varve.storage.checkpoint}, SLF4J. Never: segments (the log feeds batches in), Netty,
 * Micrometer, threads or thread pools.
 */
package io.varve.storage.producer;
