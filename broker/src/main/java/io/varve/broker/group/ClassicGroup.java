package io.varve.broker.group;

import io.varve.common.TopicPartition;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One classic group: its state, generation, members and committed offsets. Transitions are checked
 * against the diagram in {@link GroupState}; an illegal one is a programmer error. Mutable; owned by
 * the coordinator's thread. Not thread-safe.
 */
final class ClassicGroup {

    private static final Map<GroupState, Set<GroupState>> LEGAL_FROM = Map.of(
        GroupState.EMPTY, EnumSet.of(GroupState.PREPARING_REBALANCE),
        GroupState.PREPARING_REBALANCE, EnumSet.of(GroupState.STABLE, GroupState.COMPLETING_REBALANCE,
            GroupState.EMPTY),
        GroupState.COMPLETING_REBALANCE, EnumSet.of(GroupState.PREPARING_REBALANCE),
        GroupState.STABLE, EnumSet.of(GroupState.COMPLETING_REBALANCE),
        GroupState.DEAD, EnumSet.allOf(GroupState.class));

    final String groupId;
    private GroupState state = GroupState.EMPTY;
    int generationId;
    String protocolType = "";
    String protocolName;
    String leaderId;
    final Map<String, GroupMember> members = new LinkedHashMap<>();
    /** group.instance.id to the member id that holds it now. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED, to their expiry. */
    final Map<String, Long> pendingMembers = new HashMap<>();
    final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    /** The join phase may not complete before this (group.initial.rebalance.delay.ms for a new group). */
    long joinReadyAtMs;
    /** The join phase completes here whoever has not rejoined (the largest rebalance timeout). */
    long rebalanceDeadlineMs;
    /** Members that have not sent SyncGroup by here are removed. */
    long syncDeadlineMs;
    /** Last time the group became Empty; offsets expire relative to it. */
    long emptySinceMs;

    ClassicGroup(String groupId) {
        this.groupId = groupId;
    }

    GroupState state() {
        return state;
    }

    boolean is(GroupState s) {
        return state == s;
    }

    /** Moves to {@code next}. Legal moves are those of {@link GroupState}'s diagram (or to Dead from anywhere). */
    void transitionTo(GroupState next) {
        if (next != GroupState.DEAD && !LEGAL_FROM.get(next).contains(state)) {
            throw new IllegalStateException(groupId + ": " + state + " -> " + next + " is not a legal transition");
        }
        state = next;
    }

    /** Restores the state of a loaded group; only at load time. */
    void restoreState(GroupState s) {
        state = s;
    }

    boolean allMembersJoined() {
        if (!pendingMembers.isEmpty()) {
            return false;
        }
        for (GroupMember m : members.values()) {
            if (m.awaitingJoin == null) {
                return false;
            }
        }
        return true;
    }

    int maxRebalanceTimeoutMs() {
        int max = 0;
        for (GroupMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs);
        }
        return max;
    }

    /**
     * The protocol every member supports that most members list first among those (ties to the
     * earlier listed by the first member); null when there is none in common.
     */
    String selectProtocol() {
        if (members.isEmpty()) {
            return null;
        }
        GroupMember first = members.values().iterator().next();
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (var p : first.protocols) {
            boolean everyone = members.values().stream().allMatch(m -> m.supports(p.name()));
            if (everyone) {
                votes.put(p.name(), 0);
            }
        }
        if (votes.isEmpty()) {
            return null;
        }
        for (GroupMember m : members.values()) {
            for (var p : m.protocols) {
                if (votes.containsKey(p.name())) {
                    votes.merge(p.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        String best = null;
        int bestVotes = -1;
        for (var e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        return best;
    }

    /** Whether a member with these protocols could join: same type and a protocol in common with everyone. */
    boolean supportsProtocols(String type, java.util.List<io.varve.protocol.generated.JoinGroupRequest.JoinGroupRequestProtocol> protocols) {
        if (protocols.isEmpty() || type.isEmpty()) {
            return false;
        }
        if (members.isEmpty()) {
            return true;
        }
        if (!type.equals(protocolType)) {
            return false;
        }
        for (var p : protocols) {
            if (members.values().stream().allMatch(m -> m.supports(p.name()))) {
                return true;
            }
        }
        return false;
    }
}
