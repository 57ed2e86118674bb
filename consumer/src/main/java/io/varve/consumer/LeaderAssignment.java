package io.varve.consumer;

import io.varve.client.group.ConsumerProtocol;
import io.varve.client.metadata.Cluster;
import io.varve.common.TopicPartition;
import io.varve.consumer.assignor.PartitionAssignor;
import io.varve.protocol.generated.JoinGroupResponse;
import io.varve.protocol.generated.SyncGroupRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the group's leader does between JoinGroup and SyncGroup: decodes every member's
 * subscription, looks up the partition counts of the topics they subscribe to (topics the metadata
 * does not know are left out), runs the chosen assignor and encodes each member's assignment.
 *
 * @param assignments     one per member, for the leader's SyncGroup
 * @param partitionCounts the counts it assigned with: a later change makes the leader rejoin
 */
record LeaderAssignment(List<SyncGroupRequest.SyncGroupRequestAssignment> assignments, Map<String, Integer> partitionCounts,
                        Map<String, List<TopicPartition>> byMember) {

    /** The topics every member subscribes to, for the metadata refresh before {@link #compute}. */
    static Set<String> subscribedTopics(JoinGroupResponse response) {
        Set<String> all = new TreeSet<>();
        response.members().forEach(m -> all.addAll(ConsumerProtocol.decodeSubscription(ByteBuffer.wrap(m.metadata())).topics()));
        return all;
    }

    static LeaderAssignment compute(PartitionAssignor assignor, JoinGroupResponse response, Cluster cluster) {
        List<PartitionAssignor.Member> members = new ArrayList<>();
        Set<String> all = new TreeSet<>();
        for (JoinGroupResponse.JoinGroupResponseMember m : response.members()) {
            ConsumerProtocol.Subscription s = ConsumerProtocol.decodeSubscription(ByteBuffer.wrap(m.metadata()));
            members.add(new PartitionAssignor.Member(m.memberId(), m.groupInstanceId(), s));
            all.addAll(s.topics());
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String t : all) {
            int n = cluster.partitionCount(t);
            if (n > 0) {
                counts.put(t, n);
            }
        }
        Map<String, List<TopicPartition>> result = assignor.assign(counts, members);
        List<SyncGroupRequest.SyncGroupRequestAssignment> out = new ArrayList<>();
        result.forEach((id, tps) -> out.add(new SyncGroupRequest.SyncGroupRequestAssignment(id,
            ConsumerProtocol.encodeAssignment(new ConsumerProtocol.Assignment(tps)))));
        return new LeaderAssignment(List.copyOf(out), Map.copyOf(counts), result);
    }
}
