package io.varve.broker.group;

import io.varve.common.TopicPartition;
import java.util.HashMap;
import java.util.Map;

/**
 * Rebuilds groups and committed offsets by replaying one {@code __consumer_offsets} partition from
 * its start: the last record of each key wins, tombstones remove. {@link #finish} hands the result
 * to the coordinator; members of a loaded generation get a fresh session from the load time, so a
 * group whose members are gone rebalances once their sessions expire.
 *
 * <p>Not thread-safe: used on the coordinator's thread.
 */
final class GroupLoader implements CoordinatorRecords.Visitor {

    private final Map<String, Map<TopicPartition, OffsetAndMetadata>> offsets = new HashMap<>();
    private final Map<String, CoordinatorRecords.LoadedGroup> groups = new HashMap<>();

    @Override
    public void onOffset(String groupId, TopicPartition tp, OffsetAndMetadata offset) {
        offsets.computeIfAbsent(groupId, g -> new HashMap<>()).put(tp, offset);
    }

    @Override
    public void onOffsetTombstone(String groupId, TopicPartition tp) {
        Map<TopicPartition, OffsetAndMetadata> m = offsets.get(groupId);
        if (m != null) {
            m.remove(tp);
        }
    }

    @Override
    public void onGroup(String groupId, CoordinatorRecords.LoadedGroup group) {
        groups.put(groupId, group);
    }

    @Override
    public void onGroupTombstone(String groupId) {
        groups.remove(groupId);
    }

    /** Installs every loaded group (and every group that has only offsets) into {@code coordinator}. */
    void finish(GroupCoordinator coordinator, long nowMs) {
        groups.forEach((groupId, loaded) -> {
            ClassicGroup g = new ClassicGroup(groupId);
            g.protocolType = loaded.protocolType();
            g.generationId = loaded.generationId();
            g.protocolName = loaded.protocolName();
            g.leaderId = loaded.leaderId();
            g.emptySinceMs = loaded.stateTimestampMs();
            for (CoordinatorRecords.LoadedMember lm : loaded.members()) {
                GroupMember m = new GroupMember(lm.memberId(), lm.groupInstanceId(), lm.clientId(), lm.clientHost(),
                    lm.sessionTimeoutMs(), lm.rebalanceTimeoutMs(), CoordinatorRecords.protocolsOf(loaded, lm));
                m.assignment = lm.assignment();
                m.heartbeat(nowMs);
                g.members.put(m.memberId, m);
                if (m.isStatic()) {
                    g.staticMembers.put(m.groupInstanceId, m.memberId);
                }
            }
            g.restoreState(g.members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE);
            coordinator.groups.put(groupId, g);
        });
        offsets.forEach((groupId, committed) -> {
            if (committed.isEmpty()) {
                return;
            }
            ClassicGroup g = coordinator.groups.computeIfAbsent(groupId, id -> {
                ClassicGroup empty = new ClassicGroup(id);
                empty.emptySinceMs = nowMs;
                return empty;
            });
            g.offsets.putAll(committed);
        });
    }
}
