/**
 * The controller: {@link io.varve.raft.controller.ControllerStateMachine} decides each command
 * (CreateTopics, DeleteTopics, CreatePartitions, AllocateProducerIds, broker registration, heartbeats,
 * fencing) as a pure function of the current metadata image, returning the response and the metadata
 * records to commit; {@code PartitionLeadership} elects leaders and {@code ReplicaPlacer} places
 * replicas; {@code BrokerLeases} tracks leases against the {@code nowMs} it is given;
 * {@link io.varve.raft.controller.Controller} commits them through a
 * {@code io.varve.raft.log.MetadataQuorum}, applies them, and answers.
 *
 * <p>May use: {@code config}, {@code protocol}'s error codes, {@code io.varve.raft.metadata},
 * {@code io.varve.raft.log}. Never: Netty, Micrometer, clocks read directly, threads or thread
 * pools; randomness only through the injected {@link java.util.Random}.
 */
package io.varve.raft.controller;
