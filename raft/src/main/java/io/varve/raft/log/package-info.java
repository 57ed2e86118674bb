/**
 * The metadata log behind {@link io.varve.raft.log.MetadataQuorum}: records committed in order,
 * stored as RecordBatch v2 in an ordinary {@code io.varve.storage.PartitionLog} named
 * {@code __cluster_metadata-0}. {@link io.varve.raft.log.LocalQuorum} is the one-voter quorum
 * (commit = fsync). For a quorum of many, {@link io.varve.raft.log.MetadataRaftLog} keeps the Raft log in the
 * same partition log (one batch per entry, the term as its leader epoch) and
 * {@link io.varve.raft.log.QuorumStateFile} the term and vote, and {@link io.varve.raft.log.MetadataSnapshotFiles}
 * its snapshots (Low-Water Mark); the broker's Raft driver owns them.
 *
 * <p>May use: {@code storage}, {@code protocol}'s record format, {@code io.varve.raft.metadata}.
 * Never: Netty, Micrometer, threads or thread pools; no decisions about what the records say.
 */
package io.varve.raft.log;
