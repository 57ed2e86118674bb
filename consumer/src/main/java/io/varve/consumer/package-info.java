/**
 * Varve's consumer, assign mode: {@link io.varve.consumer.VarveConsumer} and its API types
 * ({@link io.varve.consumer.ConsumerRecord}, {@link io.varve.consumer.ConsumerRecords},
 * {@link io.varve.consumer.Deserializer}, {@link io.varve.consumer.ConsumerConfig}), with the
 * package-private machinery behind it: positions ({@code SubscriptionState}), the pipelined fetcher
 * ({@code Fetcher}, {@code PartitionRecords}) and ListOffsets lookups ({@code OffsetLookup}).
 *
 * <p>It talks to brokers only through {@code io.varve.client} (NetworkClient, MetadataManager) and
 * reads record batches with {@code io.varve.protocol.record}; it never touches broker, storage or
 * Netty classes directly. Groups and offset commits are not here yet.
 */
package io.varve.consumer;
