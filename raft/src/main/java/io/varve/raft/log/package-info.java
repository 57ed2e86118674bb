/**
 * The metadata log behind {@link io.varve.raft.log.MetadataQuorum}: records committed in order,
 * stored as RecordBatch v2 in an ordinary {@code io.varve.storage.PartitionLog} named
 * {@code __cluster_metadata-0}. {@link io.varve.raft.log.LocalQuorum} is the one-voter quorum
 * (commit = fsync); the Raft issue adds a quorum of many behind the same interface.
 *
 * <p>May use: {@code storage}, {@code protocol}'s record format, {@code io.varve.raft.metadata}.
 * Never: Netty, Micrometer, threads or thread pools; no decisions about what the records say.
 */
package io.varve.raft.log;
