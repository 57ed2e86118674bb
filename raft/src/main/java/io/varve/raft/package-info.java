/**
 * Metadata and consensus: {@code metadata} (records, the immutable {@code MetadataImage}),
 * {@code controller} (the controller's pure state machine and the facade that drives it) and
 * {@code log} (the metadata log behind the {@code MetadataQuorum} interface). Here the quorum has one
 * voter; the Raft issue makes it many. No Netty, Micrometer, thread pools or threads (see the
 * architecture test): time, randomness and I/O are passed in.
 */
package io.varve.raft;
