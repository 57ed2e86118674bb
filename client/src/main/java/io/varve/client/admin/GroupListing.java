package io.varve.client.admin;

/**
 * One group as ListGroups reports it.
 *
 * @param groupId      the group's name
 * @param protocolType "consumer" for consumer groups, empty for a group that only commits offsets
 * @param state        Empty, PreparingRebalance, CompletingRebalance, Stable or Dead
 */
public record GroupListing(String groupId, String protocolType, String state) {
}
