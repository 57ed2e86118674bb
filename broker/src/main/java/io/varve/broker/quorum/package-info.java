/**
 * The metadata quorum between processes: the {@link io.varve.broker.quorum.RaftDriver} (a Singular
 * Update Queue around the pure {@code io.varve.raft.core.RaftNode}) persists, sends and applies each
 * Ready in order; {@link io.varve.broker.quorum.RaftQuorum} is the controller's
 * {@code MetadataQuorum} over it; peers talk over the controller listener
 * ({@link io.varve.broker.quorum.ControllerRpcService} in, one socket per voter out), and brokers
 * register, forward topic commands ({@link io.varve.broker.quorum.ControllerForwarder}) and send
 * their partitions' ISR changes ({@link io.varve.broker.quorum.NetworkIsrChangeSink}) through
 * {@link io.varve.broker.quorum.ControllerClient}. The driver snapshots the metadata log and installs
 * the leader's snapshots; brokers that are not voters follow the committed log (State Watch) with
 * {@link io.varve.broker.quorum.MetadataFollower}, answered by
 * {@link io.varve.broker.quorum.MetadataFetchService}.
 *
 * <p>May use: threads, sockets, {@code raft}, {@code storage}; the Netty-free
 * {@code io.varve.broker.network.FrameHandler} only. Never: Netty.
 */
package io.varve.broker.quorum;
