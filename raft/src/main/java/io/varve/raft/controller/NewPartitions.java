package io.varve.raft.controller;

/**
 * One topic of a CreatePartitions request.
 *
 * @param topic      the topic name
 * @param totalCount the partition count wanted, which must be larger than the current one
 */
public record NewPartitions(String topic, int totalCount) {
}
