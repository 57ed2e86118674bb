/**
 * The admin client: {@link io.varve.client.admin.VarveAdmin} creates, lists, describes, grows and
 * deletes topics, describes the cluster and topic configs, and lists offsets, over the Kafka
 * protocol, so it works against Varve and against Apache Kafka alike.
 *
 * <p>Every operation returns {@link java.util.concurrent.CompletableFuture}s. A refusal by the
 * broker is an {@link io.varve.client.admin.AdminException} carrying Kafka's error code and message;
 * retriable failures are retried with backoff within {@code default.api.timeout.ms}. This package
 * uses {@code io.varve.client} (transport) and {@code protocol} codecs, never the broker.
 */
package io.varve.client.admin;
