package io.varve.client.admin;

import io.varve.common.TopicPartition;
import java.util.List;

/**
 * A group as DescribeGroups reports it, with each member's assignment decoded from the consumer
 * protocol.
 *
 * @param state        Empty, PreparingRebalance, CompletingRebalance, Stable or Dead
 * @param protocolType "consumer" for consumer groups
 * @param protocol     the assignor the group chose, empty while none
 */
public record GroupDescription(String groupId, String state, String protocolType, String protocol, List<Member> members) {

    public GroupDescription {
        members = List.copyOf(members);
    }

    /**
     * One member.
     *
     * @param groupInstanceId a static member's id, or null
     * @param host            the address the coordinator saw it connect from
     * @param assignment      its partitions; empty when it has none or its group is not a consumer group
     */
    public record Member(String memberId, String groupInstanceId, String clientId, String host, List<TopicPartition> assignment) {
        public Member {
            assignment = List.copyOf(assignment);
        }
    }
}
