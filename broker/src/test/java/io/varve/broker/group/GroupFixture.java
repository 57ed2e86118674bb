package io.varve.broker.group;

import io.varve.protocol.Errors;
import io.varve.protocol.generated.HeartbeatRequest;
import io.varve.protocol.generated.JoinGroupRequest;
import io.varve.protocol.generated.JoinGroupResponse;
import io.varve.protocol.generated.OffsetCommitRequest;
import io.varve.protocol.generated.SyncGroupRequest;
import io.varve.protocol.generated.SyncGroupResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** A coordinator with an in-memory log and a hand-driven clock, and helpers that act as members. */
final class GroupFixture {

    static final String GROUP = "g";
    static final int SESSION_MS = 10_000;
    static final int REBALANCE_MS = 30_000;

    final List<CoordinatorRecord> written = new ArrayList<>();
    Errors logError = Errors.NONE;
    final GroupCoordinator coordinator;
    final OffsetManager offsets;
    long nowMs = 1_000_000;
    private int nextId;

    GroupFixture(Map<String, ?> props) {
        GroupLog log = (groupId, records) -> {
            if (logError == Errors.NONE) {
                written.addAll(records);
            }
            return logError;
        };
        coordinator = new GroupCoordinator(GroupCoordinatorConfig.from(props), log, () -> "id" + nextId++);
        offsets = new OffsetManager(coordinator);
    }

    GroupFixture() {
        this(Map.of(GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, 0,
            GroupCoordinatorConfig.GROUP_MIN_SESSION_TIMEOUT_MS, 1000));
    }

    static JoinGroupRequest joinRequest(String memberId, String instanceId, byte[] metadata) {
        return new JoinGroupRequest(GROUP, SESSION_MS, REBALANCE_MS, memberId, instanceId, "consumer",
            List.of(new JoinGroupRequest.JoinGroupRequestProtocol("range", metadata)), null);
    }

    /** Sends a JoinGroup; the reference holds the answer once there is one. */
    AtomicReference<JoinGroupResponse> join(String memberId, String instanceId, byte[] metadata) {
        AtomicReference<JoinGroupResponse> answer = new AtomicReference<>();
        coordinator.join(joinRequest(memberId, instanceId, metadata), "client", "/127.0.0.1", nowMs, answer::set);
        return answer;
    }

    AtomicReference<JoinGroupResponse> join(String memberId) {
        return join(memberId, null, new byte[] {1});
    }

    /** The two-step join of a new dynamic member: its member id (the join itself is still waiting). */
    String newMember() {
        JoinGroupResponse first = join("").get();
        if (first.errorCode() != Errors.MEMBER_ID_REQUIRED.code) {
            throw new AssertionError("expected MEMBER_ID_REQUIRED, got " + first);
        }
        return first.memberId();
    }

    AtomicReference<SyncGroupResponse> sync(String memberId, int generation, Map<String, byte[]> assignments) {
        AtomicReference<SyncGroupResponse> answer = new AtomicReference<>();
        List<SyncGroupRequest.SyncGroupRequestAssignment> list = new ArrayList<>();
        assignments.forEach((m, a) -> list.add(new SyncGroupRequest.SyncGroupRequestAssignment(m, a)));
        coordinator.sync(new SyncGroupRequest(GROUP, generation, memberId, null, "consumer", "range", list), nowMs,
            answer::set);
        return answer;
    }

    short heartbeat(String memberId, int generation) {
        return coordinator.heartbeat(new HeartbeatRequest(GROUP, generation, memberId, null), nowMs).errorCode();
    }

    short commit(String memberId, int generation, String topic, int partition, long offset) {
        OffsetCommitRequest req = new OffsetCommitRequest(GROUP, generation, memberId, null, -1L, List.of(
            new OffsetCommitRequest.OffsetCommitRequestTopic(topic, new java.util.UUID(0L, 0L), List.of(new OffsetCommitRequest.OffsetCommitRequestPartition(partition, offset, -1, "")))));
        return offsets.commit(req, (short) 9, nowMs).topics().get(0).partitions().get(0).errorCode();
    }

    void advance(long ms) {
        nowMs += ms;
        coordinator.tick(nowMs);
    }

    ClassicGroup group() {
        return coordinator.groups.get(GROUP);
    }
}
