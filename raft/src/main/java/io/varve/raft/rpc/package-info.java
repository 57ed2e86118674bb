/**
 * The controller listener's internal RPCs (DESIGN §3): Kafka framing with Varve-internal API keys
 * ({@link io.varve.raft.rpc.InternalApiKey}), codecs for Raft messages and broker registration over
 * {@code io.varve.protocol.codec}. Never advertised on, and refused by, the client listener.
 *
 * <p>May use: {@code protocol}'s codec, {@code io.varve.raft.core}'s messages and the controller's
 * command and result records. Never: Netty,
 * sockets, threads.
 */
package io.varve.raft.rpc;
