/**
 * The storage engine: each partition is a {@link io.varve.storage.PartitionLog} of memory-mapped
 * segments holding RecordBatch v2 bytes exactly as produced, with sparse offset and time indexes, a
 * leader-epoch cache and checkpoints, recovered after an unclean shutdown. The on-disk layout is
 * Kafka's ({@code docs/storage.md}).
 *
 * <p>May use: {@code config}, {@code protocol}'s record format, Agrona, Chronicle Bytes (only
 * through {@link io.varve.storage.MappedFileRegion}), SLF4J. Never: Netty, Micrometer, threads or
 * thread pools — callers bring their own (see the architecture test).
 */
package io.varve.storage;
