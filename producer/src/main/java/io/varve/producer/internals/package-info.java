/**
 * The producer's machinery behind {@link io.varve.producer.VarveProducer}: the partitioner (Kafka's
 * murmur2 for keys, sticky for the rest), the record accumulator with its bounded memory, the batches,
 * the in-flight and sequence bookkeeping of idempotence, and the sender thread that turns ready
 * batches into Produce requests. Talks to brokers only through {@code io.varve.client}; no Netty here.
 */
package io.varve.producer.internals;
