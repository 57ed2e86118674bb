package io.varve.broker.group;

import io.varve.protocol.generated.JoinGroupRequest;
import io.varve.protocol.generated.JoinGroupResponse;
import io.varve.protocol.generated.LeaveGroupRequest;
import io.varve.protocol.generated.LeaveGroupResponse;
import io.varve.protocol.generated.OffsetFetchRequest;
import io.varve.protocol.generated.OffsetFetchResponse;
import io.varve.protocol.generated.SyncGroupResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The old group API versions' behaviours, mapped onto the newest shape the coordinator works in (and
 * its answers back to the old shape), as Kafka's request and response classes do:
 * <ul>
 *   <li>JoinGroup v0 has no rebalance timeout: the session timeout stands in for it; before v7 the
 *       protocol name is not nullable (an error answer carries "");</li>
 *   <li>LeaveGroup v0-2 names one member by id and answers with a top-level error only;</li>
 *   <li>OffsetFetch v0-7 asks for one group at top level; v2-7 carry the group's error at top level.</li>
 * </ul>
 * Stateless.
 */
final class GroupVersions {

    private static final UUID NO_TOPIC_ID = new UUID(0L, 0L);

    private GroupVersions() {
    }

    static JoinGroupRequest join(JoinGroupRequest request, short version) {
        return version == 0 ? request.toBuilder().rebalanceTimeoutMs(request.sessionTimeoutMs()).build() : request;
    }

    /**
     * JoinGroup answers before v7 carry no protocol type and a non-null protocol name; before v9 no
     * skip_assignment (a static leader that rejoins gets the members and assigns again).
     */
    static JoinGroupResponse join(JoinGroupResponse response, short version) {
        if (version < 7 && (response.protocolName() == null || response.protocolType() != null)) {
            response = response.toBuilder().protocolName(response.protocolName() == null ? "" : response.protocolName())
                .protocolType(null).build();
        }
        if (version < 9 && response.skipAssignment()) {
            response = response.toBuilder().skipAssignment(false).build();
        }
        return response;
    }

    /** SyncGroup answers carry protocol type and name from v5 only. */
    static SyncGroupResponse sync(SyncGroupResponse response, short version) {
        if (version < 5 && (response.protocolType() != null || response.protocolName() != null)) {
            return response.toBuilder().protocolType(null).protocolName(null).build();
        }
        return response;
    }

    static LeaveGroupRequest leave(LeaveGroupRequest request, short version) {
        if (version >= 3) {
            return request;
        }
        return new LeaveGroupRequest(request.groupId(), "",
            List.of(new LeaveGroupRequest.MemberIdentity(request.memberId(), null, null)));
    }

    static LeaveGroupResponse leave(LeaveGroupResponse response, short version) {
        if (version >= 3) {
            return response;
        }
        short error = response.errorCode();
        for (LeaveGroupResponse.MemberResponse m : response.members()) {
            if (error == 0) {
                error = m.errorCode();
            }
        }
        return new LeaveGroupResponse(response.throttleTimeMs(), error, List.of());
    }

    static OffsetFetchRequest.OffsetFetchRequestGroup singleGroup(OffsetFetchRequest request) {
        List<OffsetFetchRequest.OffsetFetchRequestTopics> topics = null;
        if (request.topics() != null) {
            topics = new ArrayList<>(request.topics().size());
            for (OffsetFetchRequest.OffsetFetchRequestTopic t : request.topics()) {
                topics.add(new OffsetFetchRequest.OffsetFetchRequestTopics(t.name(), NO_TOPIC_ID, t.partitionIndexes()));
            }
        }
        return new OffsetFetchRequest.OffsetFetchRequestGroup(request.groupId(), null, -1, topics);
    }

    static OffsetFetchResponse singleGroup(OffsetFetchResponse.OffsetFetchResponseGroup group, short version) {
        List<OffsetFetchResponse.OffsetFetchResponseTopic> topics = new ArrayList<>(group.topics().size());
        for (OffsetFetchResponse.OffsetFetchResponseTopics t : group.topics()) {
            List<OffsetFetchResponse.OffsetFetchResponsePartition> ps = new ArrayList<>(t.partitions().size());
            for (OffsetFetchResponse.OffsetFetchResponsePartitions p : t.partitions()) {
                ps.add(new OffsetFetchResponse.OffsetFetchResponsePartition(p.partitionIndex(), p.committedOffset(),
                    version >= 5 ? p.committedLeaderEpoch() : -1, p.metadata(), p.errorCode()));
            }
            topics.add(new OffsetFetchResponse.OffsetFetchResponseTopic(t.name(), ps));
        }
        return new OffsetFetchResponse(0, topics, version >= 2 ? group.errorCode() : 0, List.of());
    }
}
