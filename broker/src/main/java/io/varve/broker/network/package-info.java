/**
 * The network edge: the only place the broker touches Netty's channels (STYLE 7, DESIGN §5, §8).
 * {@link io.varve.broker.network.NetworkServer} binds the listeners; each connection's pipeline is
 * an idle timer, a size-prefixed {@link io.varve.broker.network.FrameDecoder} with a maximum, a
 * {@link io.varve.broker.network.RequestDecoder}, a {@link io.varve.broker.network.ResponseEncoder}
 * and a thin {@link io.varve.broker.network.RequestDispatcher} that hands each request to a
 * {@link io.varve.broker.network.RequestHandler}, writes the answers in request order and stops
 * reading while too many are outstanding. Bad input closes the connection and moves a counter in
 * {@link io.varve.broker.network.NetworkMetrics}; it never reaches a handler. Client and controller
 * listeners have budgets of their own: connections in all and per address
 * ({@link io.varve.broker.network.ConnectionQuotas}), request bytes held
 * ({@link io.varve.broker.network.RequestBytesBudget}); every connection must send a whole request
 * within a deadline ({@link io.varve.broker.network.FirstRequestDeadline}).
 *
 * <p>This package knows the wire format only through {@code io.varve.protocol}; it never touches
 * storage, replication or metadata, which sit behind the {@code RequestHandler}.
 */
package io.varve.broker.network;
