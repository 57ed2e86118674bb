/**
 * Record-batch compression, byte-compatible with Kafka: {@link io.varve.protocol.record.compress.CompressionType}
 * names the codecs of the batch attributes, {@link io.varve.protocol.record.compress.RecordCompressor}
 * compresses a records section as a Kafka producer would, and
 * {@link io.varve.protocol.record.compress.RecordDecompressor} inflates one under a hard limit on the
 * decompressed bytes, answering a {@link io.varve.protocol.record.compress.DecompressionStatus} instead of
 * throwing or running out of memory on a corrupt payload or a decompression bomb.
 *
 * <p>Framing per codec (what Kafka writes and reads): gzip is RFC 1952 ({@code java.util.zip});
 * snappy is snappy-java's stream framing (a 16-byte header, then 32 KiB blocks each prefixed by its
 * compressed length); lz4 is the LZ4 frame format with 64 KiB independent blocks and no checksums
 * ({@link io.varve.protocol.record.compress.Lz4Frame}); zstd is a zstd frame (zstd-jni).
 *
 * <p>Depends only on the codec libraries and Agrona's buffers; knows nothing of batches. No Netty,
 * Micrometer or threads.
 */
package io.varve.protocol.record.compress;
