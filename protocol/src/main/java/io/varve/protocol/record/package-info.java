/**
 * Kafka's record format, RecordBatch v2 (magic 2), byte for byte as on the wire and on disk:
 * {@link io.varve.protocol.record.RecordBatchFlyweight} reads and validates a batch header, CRC32C and
 * records in place; {@link io.varve.protocol.record.RecordCursor} walks the records of an uncompressed
 * batch, or of a compressed one once {@link io.varve.protocol.record.RecordBatchReader} has inflated
 * it; {@link io.varve.protocol.record.RecordBatchBuilder} writes batches, compressed or not;
 * {@link io.varve.protocol.record.Varint} and {@link io.varve.protocol.record.VarintReader} encode and
 * decode the zig-zag varints of records. Validation returns a {@link io.varve.protocol.record.BatchStatus}
 * instead of throwing, and nothing here allocates in proportion to its input, except inflating a
 * compressed batch, which holds at most the caller's limit on decompressed bytes
 * ({@link io.varve.protocol.record.compress}).
 *
 * <p>Used by the broker's request path and by the storage engine. No Netty, Micrometer or threads.
 */
package io.varve.protocol.record;
