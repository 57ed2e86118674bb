/**
 * Kafka protocol primitives: {@link io.varve.protocol.codec.ProtocolReader} and
 * {@link io.varve.protocol.codec.ProtocolWriter} for the classic and compact encodings and tagged
 * fields, and {@link io.varve.protocol.codec.Records}, the zero-copy handle for record sets inside
 * messages. Readers check every length against the remaining bytes before allocating.
 *
 * <p>No Netty, Micrometer or threads: the broker's network edge adapts these to Netty buffers.
 */
package io.varve.protocol.codec;
