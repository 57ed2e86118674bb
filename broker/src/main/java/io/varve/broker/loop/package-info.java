/**
 * The one event-loop abstraction of a node (DESIGN §5, Singular Update Queue): an {@link
 * io.varve.broker.loop.EventLoop} owns one single-threaded state machine, takes typed commands from a
 * bounded queue, reads the time once per turn from an injected clock and passes it in as {@code nowNs},
 * and fires its own timers. Two runners drive loops: {@link io.varve.broker.loop.ThreadLoopRunner} (one
 * production thread per loop, Agrona's {@code AgentRunner} with an idle strategy that parks until the
 * next command or timer) and {@link io.varve.broker.loop.SharedLoopScheduler} (every loop of every node
 * in one thread, in an order drawn from a seed, on a simulated clock: whole-cluster simulation).
 *
 * <p>May not touch Netty, files or sockets: a loop reaches I/O only through the small interfaces its
 * handler is given.
 */
package io.varve.broker.loop;
