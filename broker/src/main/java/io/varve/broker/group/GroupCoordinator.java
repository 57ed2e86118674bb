package io.varve.broker.group;

import io.varve.protocol.Errors;
import io.varve.protocol.generated.HeartbeatRequest;
import io.varve.protocol.generated.HeartbeatResponse;
import io.varve.protocol.generated.JoinGroupRequest;
import io.varve.protocol.generated.JoinGroupResponse;
import io.varve.protocol.generated.LeaveGroupRequest;
import io.varve.protocol.generated.LeaveGroupResponse;
import io.varve.protocol.generated.SyncGroupRequest;
import io.varve.protocol.generated.SyncGroupResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The pure core of the group coordinator: Kafka's classic group protocol as a state machine. Every
 * call takes the time ({@code nowMs}); timeouts fire only from {@link #tick(long)}. Responses that
 * wait (JoinGroup until the rebalance completes, SyncGroup until the leader's assignment) are
 * handed to the callback given with the request, possibly during a later call. Group metadata is
 * written through {@link GroupLog} when a generation gets its assignment and when a group empties.
 * Committed offsets live in {@link OffsetManager}, which shares the groups.
 *
 * <p>What follows Kafka: two-step join (an unknown member without an instance id gets
 * MEMBER_ID_REQUIRED and a member id, and must join again with it); static members (a rejoin with
 * a known group.instance.id replaces the old member id, which is then FENCED_INSTANCE_ID, without
 * a rebalance when the group is Stable and the metadata unchanged); UNKNOWN_MEMBER_ID,
 * ILLEGAL_GENERATION and REBALANCE_IN_PROGRESS as Kafka answers them; the first rebalance of an
 * empty group waits group.initial.rebalance.delay.ms for more members.
 *
 * <p>Not thread-safe: one thread (the {@link GroupCoordinatorService}'s) calls it.
 */
public final class GroupCoordinator {

    private final GroupCoordinatorConfig config;
    private final GroupLog log;
    private final Supplier<String> memberIdSuffix;
    final Map<String, ClassicGroup> groups = new HashMap<>();

    /**
     * @param memberIdSuffix makes new member ids unique (a UUID in the broker, a counter in tests)
     */
    public GroupCoordinator(GroupCoordinatorConfig config, GroupLog log, Supplier<String> memberIdSuffix) {
        this.config = config;
        this.log = log;
        this.memberIdSuffix = memberIdSuffix;
    }

    GroupCoordinatorConfig config() {
        return config;
    }

    GroupLog log() {
        return log;
    }

    /** The group's state, or null when the coordinator does not know it. */
    public GroupState state(String groupId) {
        ClassicGroup g = groups.get(groupId);
        return g == null ? null : g.state();
    }

    /** A JoinGroup answer that carries only {@code error} (and the member id the client should use). */
    public static JoinGroupResponse joinError(Errors error, String memberId) {
        return new JoinGroupResponse(0, error.code, -1, null, null, "", false, memberId, List.of());
    }

    /** A SyncGroup answer that carries only {@code error}. */
    public static SyncGroupResponse syncError(Errors error) {
        return new SyncGroupResponse(0, error.code, null, null, new byte[0]);
    }

    // ---------------------------------------------------------------------------------------- join

    /** JoinGroup: answers through {@code done}, at once or when the rebalance completes. */
    public void join(JoinGroupRequest req, String clientId, String clientHost, long nowMs,
            Consumer<JoinGroupResponse> done) {
        join(req, true, clientId, clientHost, nowMs, done);
    }

    /**
     * JoinGroup; {@code memberIdRequired} (v4+) sends a new dynamic member away with its id first
     * (MEMBER_ID_REQUIRED), older versions join it at once under the id the broker chose.
     */
    public void join(JoinGroupRequest req, boolean memberIdRequired, String clientId, String clientHost, long nowMs,
            Consumer<JoinGroupResponse> done) {
        if (req.groupId().isEmpty()) {
            done.accept(GroupCoordinator.joinError(Errors.INVALID_GROUP_ID, req.memberId()));
            return;
        }
        if (req.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || req.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            done.accept(GroupCoordinator.joinError(Errors.INVALID_SESSION_TIMEOUT, req.memberId()));
            return;
        }
        ClassicGroup group = groups.get(req.groupId());
        if (group == null) {
            if (!req.memberId().isEmpty()) {
                done.accept(GroupCoordinator.joinError(Errors.UNKNOWN_MEMBER_ID, req.memberId()));
                return;
            }
            group = new ClassicGroup(req.groupId());
            group.emptySinceMs = nowMs;
            groups.put(req.groupId(), group);
        }
        if (!group.supportsProtocols(req.protocolType(), req.protocols())
                && !(group.members.size() == 1 && group.members.containsKey(req.memberId()))) {
            done.accept(GroupCoordinator.joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, req.memberId()));
            return;
        }
        if (req.memberId().isEmpty()) {
            joinUnknownMember(group, req, memberIdRequired, clientId, clientHost, nowMs, done);
        } else {
            joinKnownMember(group, req, clientId, clientHost, nowMs, done);
        }
    }

    private void joinUnknownMember(ClassicGroup group, JoinGroupRequest req, boolean memberIdRequired,
            String clientId, String clientHost, long nowMs, Consumer<JoinGroupResponse> done) {
        String newMemberId = (clientId == null ? "" : clientId) + "-" + memberIdSuffix.get();
        String instanceId = req.groupInstanceId();
        if (instanceId != null && group.staticMembers.containsKey(instanceId)) {
            replaceStaticMember(group, group.members.get(group.staticMembers.get(instanceId)), newMemberId, req,
                nowMs, done);
            return;
        }
        if (group.members.size() + group.pendingMembers.size() >= config.maxSize()) {
            done.accept(GroupCoordinator.joinError(Errors.GROUP_MAX_SIZE_REACHED, ""));
            return;
        }
        if (instanceId == null && memberIdRequired) {
            group.pendingMembers.put(newMemberId, nowMs + req.sessionTimeoutMs());
            done.accept(GroupCoordinator.joinError(Errors.MEMBER_ID_REQUIRED, newMemberId));
            return;
        }
        addMemberAndRebalance(group, newMemberId, req, clientId, clientHost, nowMs, done);
    }

    private void joinKnownMember(ClassicGroup group, JoinGroupRequest req, String clientId, String clientHost,
            long nowMs, Consumer<JoinGroupResponse> done) {
        String memberId = req.memberId();
        if (group.pendingMembers.remove(memberId) != null) {
            addMemberAndRebalance(group, memberId, req, clientId, clientHost, nowMs, done);
            return;
        }
        GroupMember member = group.members.get(memberId);
        Errors error = validateMember(group, memberId, req.groupInstanceId());
        if (error != Errors.NONE) {
            done.accept(GroupCoordinator.joinError(error, memberId));
            return;
        }
        boolean metadataChanged = !sameProtocols(member.protocols, req.protocols());
        member.protocols = List.copyOf(req.protocols());
        member.sessionTimeoutMs = req.sessionTimeoutMs();
        member.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
        member.heartbeat(nowMs);
        if (member.awaitingJoin != null) {
            // a retried join replaces the waiting one, as in Kafka
            member.awaitingJoin.accept(GroupCoordinator.joinError(Errors.UNKNOWN_MEMBER_ID, memberId));
        }
        member.awaitingJoin = done;
        switch (group.state()) {
            case PREPARING_REBALANCE -> tryCompleteJoin(group, nowMs);
            case COMPLETING_REBALANCE, STABLE -> {
                if (metadataChanged || (group.is(GroupState.STABLE) && memberId.equals(group.leaderId))) {
                    prepareRebalance(group, nowMs);
                } else {
                    member.awaitingJoin = null;
                    done.accept(joinResponse(group, member, false));
                }
            }
            default -> throw new IllegalStateException(group.groupId + " has member " + memberId + " while "
                + group.state());
        }
    }

    /**
     * A static member came back with a new member id: the old id is fenced. Stable with unchanged
     * metadata: no rebalance, the new id inherits the assignment; otherwise rebalance.
     */
    private void replaceStaticMember(ClassicGroup group, GroupMember old, String newMemberId, JoinGroupRequest req,
            long nowMs, Consumer<JoinGroupResponse> done) {
        String oldMemberId = old.memberId;
        if (old.awaitingJoin != null) {
            old.awaitingJoin.accept(GroupCoordinator.joinError(Errors.FENCED_INSTANCE_ID, oldMemberId));
            old.awaitingJoin = null;
        }
        if (old.awaitingSync != null) {
            old.awaitingSync.accept(GroupCoordinator.syncError(Errors.FENCED_INSTANCE_ID));
            old.awaitingSync = null;
        }
        boolean unchanged = sameProtocols(old.protocols, req.protocols());
        group.members.remove(oldMemberId);
        old.memberId = newMemberId;
        old.protocols = List.copyOf(req.protocols());
        old.sessionTimeoutMs = req.sessionTimeoutMs();
        old.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
        old.heartbeat(nowMs);
        group.members.put(newMemberId, old);
        group.staticMembers.put(old.groupInstanceId, newMemberId);
        boolean wasLeader = oldMemberId.equals(group.leaderId);
        if (wasLeader) {
            group.leaderId = newMemberId;
        }
        if (group.is(GroupState.STABLE) && unchanged) {
            Errors persisted = log.append(group.groupId, List.of(CoordinatorRecords.group(group, nowMs)));
            if (persisted != Errors.NONE) {
                done.accept(GroupCoordinator.joinError(persisted, ""));
                return;
            }
            // the leader learns the members but keeps the assignment (KIP-814 skip_assignment)
            done.accept(joinResponse(group, old, wasLeader));
            return;
        }
        old.awaitingJoin = done;
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            tryCompleteJoin(group, nowMs);
        } else {
            prepareRebalance(group, nowMs);
        }
    }

    private void addMemberAndRebalance(ClassicGroup group, String memberId, JoinGroupRequest req, String clientId,
            String clientHost, long nowMs, Consumer<JoinGroupResponse> done) {
        GroupMember member = new GroupMember(memberId, req.groupInstanceId(), clientId == null ? "" : clientId,
            clientHost, req.sessionTimeoutMs(), req.rebalanceTimeoutMs(), req.protocols());
        if (group.members.isEmpty()) {
            group.protocolType = req.protocolType();
        }
        group.members.put(memberId, member);
        if (member.isStatic()) {
            group.staticMembers.put(member.groupInstanceId, memberId);
        }
        member.heartbeat(nowMs);
        member.awaitingJoin = done;
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            tryCompleteJoin(group, nowMs);
        } else {
            prepareRebalance(group, nowMs);
        }
    }

    private void prepareRebalance(ClassicGroup group, long nowMs) {
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            for (GroupMember m : group.members.values()) {
                m.assignment = new byte[0];
                if (m.awaitingSync != null) {
                    m.awaitingSync.accept(GroupCoordinator.syncError(Errors.REBALANCE_IN_PROGRESS));
                    m.awaitingSync = null;
                }
            }
        }
        boolean fromEmpty = group.is(GroupState.EMPTY);
        group.transitionTo(GroupState.PREPARING_REBALANCE);
        group.joinReadyAtMs = fromEmpty ? nowMs + config.initialRebalanceDelayMs() : nowMs;
        group.rebalanceDeadlineMs = Math.max(group.joinReadyAtMs, nowMs + group.maxRebalanceTimeoutMs());
        tryCompleteJoin(group, nowMs);
    }

    private void tryCompleteJoin(ClassicGroup group, long nowMs) {
        if (group.is(GroupState.PREPARING_REBALANCE) && nowMs >= group.joinReadyAtMs && group.allMembersJoined()) {
            completeJoin(group, nowMs);
        }
    }

    /** Ends the join phase: drops members that did not rejoin, starts the next generation. */
    private void completeJoin(ClassicGroup group, long nowMs) {
        for (Iterator<GroupMember> it = group.members.values().iterator(); it.hasNext();) {
            GroupMember m = it.next();
            if (m.awaitingJoin == null) {
                it.remove();
                if (m.isStatic()) {
                    group.staticMembers.remove(m.groupInstanceId);
                }
            }
        }
        group.pendingMembers.clear();
        group.generationId++;
        if (group.members.isEmpty()) {
            group.protocolName = null;
            group.leaderId = null;
            group.transitionTo(GroupState.EMPTY);
            group.emptySinceMs = nowMs;
            log.append(group.groupId, List.of(CoordinatorRecords.group(group, nowMs)));
            return;
        }
        group.protocolName = group.selectProtocol();
        if (group.leaderId == null || !group.members.containsKey(group.leaderId)) {
            group.leaderId = group.members.keySet().iterator().next();
        }
        group.transitionTo(GroupState.COMPLETING_REBALANCE);
        group.syncDeadlineMs = nowMs + group.maxRebalanceTimeoutMs();
        for (GroupMember m : group.members.values()) {
            Consumer<JoinGroupResponse> waiting = m.awaitingJoin;
            m.awaitingJoin = null;
            m.heartbeat(nowMs);
            waiting.accept(joinResponse(group, m, false));
        }
    }

    private static JoinGroupResponse joinResponse(ClassicGroup group, GroupMember m, boolean skipAssignment) {
        List<JoinGroupResponse.JoinGroupResponseMember> members = new ArrayList<>();
        if (m.memberId.equals(group.leaderId)) {
            for (GroupMember other : group.members.values()) {
                byte[] metadata = other.metadata(group.protocolName);
                members.add(new JoinGroupResponse.JoinGroupResponseMember(other.memberId, other.groupInstanceId,
                    metadata == null ? new byte[0] : metadata));
            }
        }
        return new JoinGroupResponse(0, Errors.NONE.code, group.generationId, group.protocolType,
            group.protocolName, group.leaderId, skipAssignment, m.memberId, members);
    }

    private static boolean sameProtocols(List<JoinGroupRequest.JoinGroupRequestProtocol> a, List<JoinGroupRequest.JoinGroupRequestProtocol> b) {
        return a.equals(b);
    }

    /** UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID when {@code memberId} may not act in {@code group}. */
    static Errors validateMember(ClassicGroup group, String memberId, String instanceId) {
        if (instanceId != null) {
            String current = group.staticMembers.get(instanceId);
            if (current != null && !current.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        GroupMember m = group.members.get(memberId);
        if (m == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (instanceId != null && !instanceId.equals(m.groupInstanceId)) {
            return Errors.FENCED_INSTANCE_ID;
        }
        return Errors.NONE;
    }

    // ---------------------------------------------------------------------------------------- sync

    /** SyncGroup: answers through {@code done}, at once or when the leader's assignment arrives. */
    public void sync(SyncGroupRequest req, long nowMs, Consumer<SyncGroupResponse> done) {
        ClassicGroup group = groups.get(req.groupId());
        if (group == null || group.is(GroupState.EMPTY) || group.is(GroupState.DEAD)) {
            done.accept(GroupCoordinator.syncError(Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        Errors error = validateMember(group, req.memberId(), req.groupInstanceId());
        if (error == Errors.NONE && req.generationId() != group.generationId) {
            error = Errors.ILLEGAL_GENERATION;
        }
        if (error == Errors.NONE && ((req.protocolType() != null && !req.protocolType().equals(group.protocolType))
                || (req.protocolName() != null && !req.protocolName().equals(group.protocolName)))) {
            error = Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        if (error == Errors.NONE && group.is(GroupState.PREPARING_REBALANCE)) {
            error = Errors.REBALANCE_IN_PROGRESS;
        }
        if (error != Errors.NONE) {
            done.accept(GroupCoordinator.syncError(error));
            return;
        }
        GroupMember member = group.members.get(req.memberId());
        member.heartbeat(nowMs);
        if (group.is(GroupState.STABLE)) {
            done.accept(syncResponse(group, member));
            return;
        }
        member.awaitingSync = done;
        if (req.memberId().equals(group.leaderId)) {
            Map<String, byte[]> assignments = new HashMap<>();
            for (SyncGroupRequest.SyncGroupRequestAssignment a : req.assignments()) {
                assignments.put(a.memberId(), a.assignment());
            }
            for (GroupMember m : group.members.values()) {
                byte[] a = assignments.get(m.memberId);
                m.assignment = a == null ? new byte[0] : a;
            }
            Errors persisted = log.append(group.groupId, List.of(CoordinatorRecords.group(group, nowMs)));
            if (persisted != Errors.NONE) {
                // Kafka answers every waiting member with the write's error and rebalances
                for (GroupMember m : group.members.values()) {
                    m.assignment = new byte[0];
                }
                prepareRebalance(group, nowMs);
                return;
            }
            group.transitionTo(GroupState.STABLE);
            for (GroupMember m : group.members.values()) {
                if (m.awaitingSync != null) {
                    Consumer<SyncGroupResponse> waiting = m.awaitingSync;
                    m.awaitingSync = null;
                    waiting.accept(syncResponse(group, m));
                }
            }
        }
    }

    private static SyncGroupResponse syncResponse(ClassicGroup group, GroupMember m) {
        return new SyncGroupResponse(0, Errors.NONE.code, group.protocolType, group.protocolName,
            Arrays.copyOf(m.assignment, m.assignment.length));
    }

    // ----------------------------------------------------------------------------- heartbeat, leave

    public HeartbeatResponse heartbeat(HeartbeatRequest req, long nowMs) {
        ClassicGroup group = groups.get(req.groupId());
        if (group == null || group.is(GroupState.EMPTY) || group.is(GroupState.DEAD)) {
            return new HeartbeatResponse(0, Errors.UNKNOWN_MEMBER_ID.code);
        }
        Errors error = validateMember(group, req.memberId(), req.groupInstanceId());
        if (error == Errors.NONE && req.generationId() != group.generationId) {
            error = Errors.ILLEGAL_GENERATION;
        }
        if (error != Errors.NONE) {
            return new HeartbeatResponse(0, error.code);
        }
        group.members.get(req.memberId()).heartbeat(nowMs);
        return new HeartbeatResponse(0, group.is(GroupState.PREPARING_REBALANCE)
            ? Errors.REBALANCE_IN_PROGRESS.code : Errors.NONE.code);
    }

    public LeaveGroupResponse leave(LeaveGroupRequest req, long nowMs) {
        ClassicGroup group = groups.get(req.groupId());
        List<LeaveGroupResponse.MemberResponse> results = new ArrayList<>(req.members().size());
        boolean removed = false;
        for (LeaveGroupRequest.MemberIdentity id : req.members()) {
            Errors error = group == null ? Errors.UNKNOWN_MEMBER_ID : leaveOne(group, id);
            removed |= error == Errors.NONE;
            results.add(new LeaveGroupResponse.MemberResponse(id.memberId(), id.groupInstanceId(), error.code));
        }
        if (removed) {
            onMembersRemoved(group, nowMs);
        }
        return new LeaveGroupResponse(0, Errors.NONE.code, results);
    }

    private Errors leaveOne(ClassicGroup group, LeaveGroupRequest.MemberIdentity id) {
        String memberId = id.memberId();
        if (id.groupInstanceId() != null) {
            String current = group.staticMembers.get(id.groupInstanceId());
            if (current == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!memberId.isEmpty() && !memberId.equals(current)) {
                return Errors.FENCED_INSTANCE_ID;
            }
            memberId = current;
        } else if (group.pendingMembers.remove(memberId) != null) {
            return Errors.NONE;
        }
        GroupMember m = group.members.get(memberId);
        if (m == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        removeMember(group, m);
        return Errors.NONE;
    }

    private static void removeMember(ClassicGroup group, GroupMember m) {
        group.members.remove(m.memberId);
        if (m.isStatic()) {
            group.staticMembers.remove(m.groupInstanceId);
        }
        if (m.awaitingJoin != null) {
            m.awaitingJoin.accept(GroupCoordinator.joinError(Errors.UNKNOWN_MEMBER_ID, m.memberId));
            m.awaitingJoin = null;
        }
        if (m.awaitingSync != null) {
            m.awaitingSync.accept(GroupCoordinator.syncError(Errors.UNKNOWN_MEMBER_ID));
            m.awaitingSync = null;
        }
    }

    /** After members left or expired: rebalance (or finish the join phase that waited for them). */
    private void onMembersRemoved(ClassicGroup group, long nowMs) {
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, nowMs);
            case PREPARING_REBALANCE -> tryCompleteJoin(group, nowMs);
            default -> {
            }
        }
    }

    /**
     * Forgets the groups {@code dropped} selects (their partition is no longer led here); members
     * waiting for a join or sync are answered NOT_COORDINATOR, and find the new coordinator.
     */
    public void unload(java.util.function.Predicate<String> dropped) {
        for (Iterator<ClassicGroup> it = groups.values().iterator(); it.hasNext();) {
            ClassicGroup g = it.next();
            if (!dropped.test(g.groupId)) {
                continue;
            }
            for (GroupMember m : g.members.values()) {
                if (m.awaitingJoin != null) {
                    m.awaitingJoin.accept(GroupCoordinator.joinError(Errors.NOT_COORDINATOR, m.memberId));
                    m.awaitingJoin = null;
                }
                if (m.awaitingSync != null) {
                    m.awaitingSync.accept(GroupCoordinator.syncError(Errors.NOT_COORDINATOR));
                    m.awaitingSync = null;
                }
            }
            g.transitionTo(GroupState.DEAD);
            it.remove();
        }
    }

    // ---------------------------------------------------------------------------------------- time

    /**
     * Fires every timeout due by {@code nowMs}: expired sessions and pending member ids, the end of
     * the initial delay, rebalance and sync deadlines.
     */
    public void tick(long nowMs) {
        for (ClassicGroup group : new ArrayList<>(groups.values())) {
            group.pendingMembers.values().removeIf(deadline -> deadline <= nowMs);
            boolean removed = false;
            for (GroupMember m : new ArrayList<>(group.members.values())) {
                boolean waiting = m.awaitingJoin != null || m.awaitingSync != null;
                if (!waiting && m.sessionDeadlineMs <= nowMs) {
                    removeMember(group, m);
                    removed = true;
                }
            }
            if (group.is(GroupState.COMPLETING_REBALANCE) && nowMs >= group.syncDeadlineMs) {
                for (GroupMember m : new ArrayList<>(group.members.values())) {
                    if (m.awaitingSync == null) {
                        removeMember(group, m);
                        removed = true;
                    }
                }
            }
            if (removed) {
                onMembersRemoved(group, nowMs);
            }
            if (group.is(GroupState.PREPARING_REBALANCE)) {
                if (nowMs >= group.rebalanceDeadlineMs) {
                    completeJoin(group, nowMs);
                } else {
                    tryCompleteJoin(group, nowMs);
                }
            }
        }
    }
}
