package io.varve.broker.group;

import io.varve.common.TopicPartition;
import io.varve.protocol.ErrorResponses;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.DeleteGroupsResponse;
import io.varve.protocol.generated.DescribeGroupsResponse;
import io.varve.protocol.generated.ListGroupsResponse;
import io.varve.protocol.generated.OffsetCommitRequest;
import io.varve.protocol.generated.OffsetCommitResponse;
import io.varve.protocol.generated.OffsetFetchRequest;
import io.varve.protocol.generated.OffsetFetchResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.ToLongFunction;

/**
 * The coordinator's offsets and group administration: OffsetCommit (refused from stale
 * generations and unknown members; a simple commit with generation -1 is accepted for an empty or
 * unknown group), OffsetFetch, ListGroups, DescribeGroups, DeleteGroups, consumer lag. Works on the
 * groups of the {@link GroupCoordinator} it was made with, on that coordinator's thread.
 *
 * <p>Not thread-safe.
 */
public final class OffsetManager {

    /** What ListGroups reports as every classic group's type (v5+). */
    public static final String CLASSIC = "classic";

    private static final UUID NO_TOPIC_ID = new UUID(0L, 0L);

    private final GroupCoordinator groups;

    public OffsetManager(GroupCoordinator groups) {
        this.groups = groups;
    }

    /** OffsetCommit: written through the coordinator's {@link GroupLog} before it is answered. */
    public OffsetCommitResponse commit(OffsetCommitRequest req, short version, long nowMs) {
        Errors error = validateCommit(req, nowMs);
        if (error != Errors.NONE) {
            return (OffsetCommitResponse) ErrorResponses.of(req, version, error);
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> accepted = new java.util.LinkedHashMap<>();
        List<OffsetCommitResponse.OffsetCommitResponseTopic> topics = new ArrayList<>(req.topics().size());
        int maxMetadata = groups.config().offsetMetadataMaxBytes();
        for (OffsetCommitRequest.OffsetCommitRequestTopic t : req.topics()) {
            List<OffsetCommitResponse.OffsetCommitResponsePartition> partitions = new ArrayList<>(t.partitions().size());
            for (OffsetCommitRequest.OffsetCommitRequestPartition p : t.partitions()) {
                String metadata = p.committedMetadata();
                if (!TopicPartition.isValidTopicName(t.name()) || p.partitionIndex() < 0) {
                    partitions.add(new OffsetCommitResponse.OffsetCommitResponsePartition(p.partitionIndex(),
                        Errors.UNKNOWN_TOPIC_OR_PARTITION.code));
                    continue;
                }
                if (metadata != null && metadata.getBytes(StandardCharsets.UTF_8).length > maxMetadata) {
                    partitions.add(new OffsetCommitResponse.OffsetCommitResponsePartition(p.partitionIndex(),
                        Errors.OFFSET_METADATA_TOO_LARGE.code));
                    continue;
                }
                TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
                OffsetAndMetadata o = new OffsetAndMetadata(p.committedOffset(), p.committedLeaderEpoch(), metadata,
                    nowMs);
                accepted.put(tp, o);
                records.add(CoordinatorRecords.offset(req.groupId(), tp, o));
                partitions.add(new OffsetCommitResponse.OffsetCommitResponsePartition(p.partitionIndex(), Errors.NONE.code));
            }
            topics.add(new OffsetCommitResponse.OffsetCommitResponseTopic(t.name(), t.topicId(), partitions));
        }
        if (!records.isEmpty()) {
            Errors written = groups.log().append(req.groupId(), records);
            if (written != Errors.NONE) {
                return (OffsetCommitResponse) ErrorResponses.of(req, version, written);
            }
        }
        ClassicGroup group = groups.groups.computeIfAbsent(req.groupId(), id -> {
            ClassicGroup g = new ClassicGroup(id);
            g.emptySinceMs = nowMs;
            return g;
        });
        group.offsets.putAll(accepted);
        return new OffsetCommitResponse(0, topics);
    }

    private Errors validateCommit(OffsetCommitRequest req, long nowMs) {
        if (req.groupId().isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        ClassicGroup group = groups.groups.get(req.groupId());
        if (group == null) {
            // a standalone consumer's commit creates an empty group; a member's needs its group
            return req.generationIdOrMemberEpoch() < 0 ? Errors.NONE : Errors.ILLEGAL_GENERATION;
        }
        if (req.generationIdOrMemberEpoch() < 0 && group.is(GroupState.EMPTY)) {
            return Errors.NONE;
        }
        Errors error = GroupCoordinator.validateMember(group, req.memberId(), req.groupInstanceId());
        if (error != Errors.NONE) {
            return error;
        }
        if (req.generationIdOrMemberEpoch() != group.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            return Errors.REBALANCE_IN_PROGRESS;
        }
        group.members.get(req.memberId()).heartbeat(nowMs);
        return Errors.NONE;
    }

    /** One group of an OffsetFetch: every committed partition (topics null) or the ones asked, -1 where none. */
    public OffsetFetchResponse.OffsetFetchResponseGroup fetch(OffsetFetchRequest.OffsetFetchRequestGroup req) {
        ClassicGroup group = groups.groups.get(req.groupId());
        Map<TopicPartition, OffsetAndMetadata> offsets = group == null ? Map.of() : group.offsets;
        Map<String, List<OffsetFetchResponse.OffsetFetchResponsePartitions>> byTopic = new TreeMap<>();
        if (req.topics() == null) {
            for (var e : new TreeMap<>(offsets).entrySet()) {
                byTopic.computeIfAbsent(e.getKey().topic(), t -> new ArrayList<>())
                    .add(partition(e.getKey().partition(), e.getValue()));
            }
        } else {
            for (OffsetFetchRequest.OffsetFetchRequestTopics t : req.topics()) {
                List<OffsetFetchResponse.OffsetFetchResponsePartitions> ps = byTopic.computeIfAbsent(t.name(), n -> new ArrayList<>());
                for (int p : t.partitionIndexes()) {
                    if (!TopicPartition.isValidTopicName(t.name()) || p < 0) {
                        ps.add(new OffsetFetchResponse.OffsetFetchResponsePartitions(p, -1L, -1, "",
                            Errors.UNKNOWN_TOPIC_OR_PARTITION.code));
                    } else {
                        ps.add(partition(p, offsets.get(new TopicPartition(t.name(), p))));
                    }
                }
            }
        }
        List<OffsetFetchResponse.OffsetFetchResponseTopics> topics = new ArrayList<>(byTopic.size());
        byTopic.forEach((name, ps) -> topics.add(new OffsetFetchResponse.OffsetFetchResponseTopics(name, NO_TOPIC_ID, ps)));
        return new OffsetFetchResponse.OffsetFetchResponseGroup(req.groupId(), topics, Errors.NONE.code);
    }

    private static OffsetFetchResponse.OffsetFetchResponsePartitions partition(int index, OffsetAndMetadata o) {
        return o == null ? new OffsetFetchResponse.OffsetFetchResponsePartitions(index, -1L, -1, "", Errors.NONE.code)
            : new OffsetFetchResponse.OffsetFetchResponsePartitions(index, o.offset(), o.leaderEpoch(), o.metadata(), Errors.NONE.code);
    }

    /** The groups in one of {@code states} (every state when empty), of the classic type unless filtered out. */
    public List<ListGroupsResponse.ListedGroup> list(List<String> states, List<String> types) {
        List<ListGroupsResponse.ListedGroup> out = new ArrayList<>();
        boolean classicWanted = types.isEmpty() || types.stream().anyMatch(CLASSIC::equalsIgnoreCase);
        if (!classicWanted) {
            return out;
        }
        for (ClassicGroup g : groups.groups.values()) {
            String state = g.state().displayName;
            if (g.is(GroupState.DEAD) || (!states.isEmpty() && states.stream().noneMatch(state::equalsIgnoreCase))) {
                continue;
            }
            out.add(new ListGroupsResponse.ListedGroup(g.groupId, g.protocolType, state, CLASSIC));
        }
        return out;
    }

    public DescribeGroupsResponse.DescribedGroup describe(String groupId, short version) {
        ClassicGroup g = groups.groups.get(groupId);
        if (g == null) {
            if (version >= 6) {
                return new DescribeGroupsResponse.DescribedGroup(Errors.GROUP_ID_NOT_FOUND.code,
                    "group " + groupId + " not found", groupId, GroupState.DEAD.displayName, "", "", List.of(),
                    ErrorResponses.AUTHORIZED_OPERATIONS_OMITTED);
            }
            return new DescribeGroupsResponse.DescribedGroup(Errors.NONE.code, null, groupId,
                GroupState.DEAD.displayName, "", "", List.of(), ErrorResponses.AUTHORIZED_OPERATIONS_OMITTED);
        }
        List<DescribeGroupsResponse.DescribedGroupMember> members = new ArrayList<>();
        for (GroupMember m : g.members.values()) {
            byte[] metadata = g.protocolName == null ? null : m.metadata(g.protocolName);
            boolean stable = g.is(GroupState.STABLE);
            members.add(new DescribeGroupsResponse.DescribedGroupMember(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                stable && metadata != null ? metadata : new byte[0], stable ? m.assignment : new byte[0]));
        }
        String protocol = g.is(GroupState.STABLE) && g.protocolName != null ? g.protocolName : "";
        return new DescribeGroupsResponse.DescribedGroup(Errors.NONE.code, null, groupId, g.state().displayName,
            g.protocolType, protocol, members, ErrorResponses.AUTHORIZED_OPERATIONS_OMITTED);
    }

    /** DeleteGroups for one group: only an empty one, whose offsets and metadata are tombstoned. */
    public DeleteGroupsResponse.DeletableGroupResult delete(String groupId, long nowMs) {
        ClassicGroup g = groups.groups.get(groupId);
        if (g == null || g.is(GroupState.DEAD)) {
            return new DeleteGroupsResponse.DeletableGroupResult(groupId, Errors.GROUP_ID_NOT_FOUND.code);
        }
        if (!g.is(GroupState.EMPTY)) {
            return new DeleteGroupsResponse.DeletableGroupResult(groupId, Errors.NON_EMPTY_GROUP.code);
        }
        List<CoordinatorRecord> tombstones = new ArrayList<>();
        for (TopicPartition tp : g.offsets.keySet()) {
            tombstones.add(CoordinatorRecords.offsetTombstone(groupId, tp));
        }
        tombstones.add(CoordinatorRecords.groupTombstone(groupId));
        Errors written = groups.log().append(groupId, tombstones);
        if (written != Errors.NONE) {
            return new DeleteGroupsResponse.DeletableGroupResult(groupId, written.code);
        }
        g.transitionTo(GroupState.DEAD);
        groups.groups.remove(groupId);
        return new DeleteGroupsResponse.DeletableGroupResult(groupId, Errors.NONE.code);
    }

    /**
     * Tombstones the offsets of groups that have been empty for offsets.retention.ms and forgets
     * them (and the group, once it has no offsets left), as Kafka's offset expiry does.
     */
    public void expireOffsets(long nowMs) {
        long retention = groups.config().offsetsRetentionMs();
        for (ClassicGroup g : new ArrayList<>(groups.groups.values())) {
            if (!g.is(GroupState.EMPTY) || g.offsets.isEmpty() || nowMs - g.emptySinceMs < retention) {
                continue;
            }
            List<CoordinatorRecord> tombstones = new ArrayList<>();
            List<TopicPartition> expired = new ArrayList<>();
            g.offsets.forEach((tp, o) -> {
                if (nowMs - o.commitTimestampMs() >= retention) {
                    expired.add(tp);
                    tombstones.add(CoordinatorRecords.offsetTombstone(g.groupId, tp));
                }
            });
            if (expired.size() == g.offsets.size()) {
                tombstones.add(CoordinatorRecords.groupTombstone(g.groupId));
            }
            if (!tombstones.isEmpty() && groups.log().append(g.groupId, tombstones) == Errors.NONE) {
                expired.forEach(g.offsets::remove);
                if (g.offsets.isEmpty()) {
                    groups.groups.remove(g.groupId);
                }
            }
        }
    }

    /** One partition's lag for one group. */
    public record GroupLag(String groupId, String topic, int partition, long committedOffset, long endOffset,
            long lag) {
    }

    /**
     * Lag of every committed partition of every group, at call time: {@code endOffset} (log end or
     * high-water mark, as the caller chooses) minus the committed offset, never below 0. Partitions
     * whose end offset is unknown here ({@code endOffset} returns a negative value) are left out.
     */
    public List<GroupLag> lag(ToLongFunction<TopicPartition> endOffset) {
        List<GroupLag> out = new ArrayList<>();
        for (ClassicGroup g : groups.groups.values()) {
            for (var e : new TreeMap<>(g.offsets).entrySet()) {
                long end = endOffset.applyAsLong(e.getKey());
                if (end < 0) {
                    continue;
                }
                long committed = e.getValue().offset();
                out.add(new GroupLag(g.groupId, e.getKey().topic(), e.getKey().partition(), committed, end,
                    Math.max(0, end - committed)));
            }
        }
        return out;
    }
}
