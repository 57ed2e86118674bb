/**
 * What a consumer group's members and tools share on the client side: the consumer protocol's
 * subscription and assignment bytes that ride inside JoinGroup and SyncGroup
 * ({@link io.varve.client.group.ConsumerProtocol}). No I/O and no threads here; the consumer's
 * membership lives in the consumer module, the group admin calls in {@code io.varve.client.admin}.
 */
package io.varve.client.group;
