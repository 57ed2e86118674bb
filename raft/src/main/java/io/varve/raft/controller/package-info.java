/**
 * The controller: {@link io.varve.raft.controller.ControllerStateMachine} decides each command
 * (CreateTopics, DeleteTopics, CreatePartitions, AllocateProducerIds, broker registration) as a pure
 * function of the current metadata image, returning the response and the metadata records to commit;
 * {@link io.varve.raft.controller.Controller} commits them through a
 * {@code io.varve.raft.log.MetadataQuorum}, applies them, and answers.
 *
 * <p>May use: {@code config}, {@code protocol}'s error codes, {@code io.varve.raft.metadata},
 * {@code io.varve.raft.log}. Never: Netty, Micrometer, clocks read directly, threads or thread
 * pools; randomness only through the injected {@link java.util.Random}.
 */
package io.varve.raft.controller;
