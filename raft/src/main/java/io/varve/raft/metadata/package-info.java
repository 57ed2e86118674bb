/**
 * The cluster's metadata as data: {@link io.varve.raft.metadata.MetadataRecord}s (the controller's
 * decisions, with their binary form in {@link io.varve.raft.metadata.MetadataRecordCodec}), and the
 * immutable {@link io.varve.raft.metadata.MetadataImage} that a {@link io.varve.raft.metadata.MetadataDelta}
 * builds from them, and {@link io.varve.raft.metadata.MetadataSnapshot}, a whole image as records
 * and bytes.
 *
 * <p>Pure: no files, sockets, clocks, randomness or threads. Depends on Agrona buffers only; it does
 * not know where records come from (see {@code io.varve.raft.log}) or who decides them
 * ({@code io.varve.raft.controller}).
 */
package io.varve.raft.metadata;
