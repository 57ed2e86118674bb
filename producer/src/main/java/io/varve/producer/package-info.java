/**
 * Varve's producer API: {@link io.varve.producer.VarveProducer}, its records, metadata, callbacks,
 * serializers and {@link io.varve.producer.ProducerConfig}. The machinery lives in
 * {@code io.varve.producer.internals}; both reach brokers only through {@code io.varve.client}.
 */
package io.varve.producer;
