/**
 * Leader and Followers for partition data (DESIGN §6, docs/replication.md): the
 * {@link io.varve.broker.replica.ReplicaManager} gives every partition this broker replicates a log and
 * a role from the metadata image; a {@link io.varve.broker.replica.Partition} keeps the leader epoch,
 * the ISR, follower progress and the high-water mark; {@link io.varve.broker.replica.ReplicaFetcher}s
 * (one thread per source broker) copy leaders' logs; ISR changes go to the controller through an
 * {@link io.varve.broker.replica.IsrChangeSink}.
 *
 * <p>No Netty here except {@link io.varve.broker.replica.LogSliceRecords}, the zero-copy adapter the
 * network edge writes; the network is reached through the client module's {@code NetworkClient}.
 */
package io.varve.broker.replica;
