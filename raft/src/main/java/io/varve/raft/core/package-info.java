/**
 * The Raft consensus core: a pure state machine ({@link io.varve.raft.core.RaftNode}) that takes
 * messages, ticks and proposals and hands back a {@link io.varve.raft.core.Ready}: what to persist,
 * what to send, what is committed. Entries are opaque bytes; the metadata layer gives them meaning.
 *
 * <p>May use: {@code java.util} and this package only. Never: threads, sockets, files, clocks,
 * Netty, Micrometer. Time arrives as {@code nowNs} arguments, randomness as the node's seeded
 * {@link java.util.Random}; that is what makes the deterministic simulation tests possible.
 *
 * <p>Inside: {@code RaftNode} (the facade and the rules between roles), one class per role
 * ({@code FollowerState}, {@code PreCandidateState}, {@code CandidateState}, {@code LeaderState} with a
 * {@code Progress} per follower), {@code FollowerReplication} (log matching, snapshot install),
 * {@code MajorityQuorum} (vote tally, commit index), {@code RaftLog} (the durable view plus the entries
 * not yet persisted) and {@code Rules} (the paper's rules, each broken only by tests that plant bugs).
 */
package io.varve.raft.core;
