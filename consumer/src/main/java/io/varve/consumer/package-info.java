/**
 * Varve's consumer, in assign mode or as a consumer group member: {@link io.varve.consumer.VarveConsumer} and its API types
 * ({@link io.varve.consumer.ConsumerRecord}, {@link io.varve.consumer.ConsumerRecords},
 * {@link io.varve.consumer.Deserializer}, {@link io.varve.consumer.ConsumerConfig}), with the
 * package-private machinery behind it: positions ({@code SubscriptionState}), the pipelined fetcher
 * ({@code Fetcher}, {@code PartitionRecords}) and ListOffsets lookups ({@code OffsetLookup}), and the group membership: the join/sync state
 * machine ({@code ConsumerCoordinator}), heartbeats ({@code HeartbeatThread}, the one thread the
 * consumer starts) and offset commits ({@code OffsetCommitter}). The assignors live in
 * {@code io.varve.consumer.assignor}.
 *
 * <p>It talks to brokers only through {@code io.varve.client} (NetworkClient, MetadataManager) and
 * reads record batches with {@code io.varve.protocol.record}; it never touches broker, storage or
 * Netty classes directly.
 */
package io.varve.consumer;
