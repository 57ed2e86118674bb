/**
 * Kafka's record format, RecordBatch v2 (magic 2), byte for byte as on the wire and on disk:
 * flyweights that read and validate batches in place, without allocating, and a builder that writes
 * them. Used by the broker's request path and by the storage engine. No Netty, Micrometer or threads.
 */
package io.varve.protocol.record;
