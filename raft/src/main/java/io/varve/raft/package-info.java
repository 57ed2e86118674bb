/**
 * Metadata and consensus: metadata records, the immutable {@code MetadataImage}, the controller's
 * pure state machine and the metadata log. Here the quorum has one voter; the Raft issue makes it
 * many. No Netty, Micrometer, thread pools or clocks: time and I/O are passed in.
 */
package io.varve.raft;
