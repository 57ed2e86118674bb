/**
 * The Raft consensus core: a pure state machine ({@link io.varve.raft.core.RaftNode}) that takes
 * messages, ticks and proposals and hands back a {@link io.varve.raft.core.Ready}: what to persist,
 * what to send, what is committed. Entries are opaque bytes; the metadata layer gives them meaning.
 *
 * <p>May use: {@code java.util} and this package only. Never: threads, sockets, files, clocks,
 * Netty, Micrometer. Time arrives as {@code nowNs} arguments, randomness as the node's seeded
 * {@link java.util.Random}; that is what makes the deterministic simulation tests possible.
 */
package io.varve.raft.core;
