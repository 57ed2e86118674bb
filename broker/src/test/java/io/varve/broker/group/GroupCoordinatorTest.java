package io.varve.broker.group;

import static io.varve.broker.group.GroupFixture.GROUP;
import static io.varve.broker.group.GroupFixture.REBALANCE_MS;
import static io.varve.broker.group.GroupFixture.SESSION_MS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.Errors;
import io.varve.protocol.generated.JoinGroupRequest;
import io.varve.protocol.generated.JoinGroupResponse;
import io.varve.protocol.generated.LeaveGroupRequest;
import io.varve.protocol.generated.LeaveGroupResponse;
import io.varve.protocol.generated.SyncGroupResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The classic group protocol as Kafka's coordinator answers it, driven by a manual clock. */
class GroupCoordinatorTest {

    private final GroupFixture f = new GroupFixture();

    /** One member joined and synced: its id, in a Stable group of generation 1. */
    private String stableSingleMember() {
        String m = f.newMember();
        JoinGroupResponse joined = f.join(m).get();
        assertEquals(Errors.NONE.code, joined.errorCode());
        assertEquals(1, joined.generationId());
        assertEquals(m, joined.leader());
        assertEquals(Errors.NONE.code, f.sync(m, 1, Map.of(m, new byte[] {7})).get().errorCode());
        assertEquals(GroupState.STABLE, f.group().state());
        return m;
    }

    @Test
    void aNewMemberIsToldItsIdAndMustJoinAgainWithIt() {
        JoinGroupResponse first = f.join("").get();
        assertEquals(Errors.MEMBER_ID_REQUIRED.code, first.errorCode());
        assertTrue(first.memberId().startsWith("client-"), first.memberId());
        assertEquals(GroupState.EMPTY, f.group().state(), "a pending member is not a member yet");

        JoinGroupResponse joined = f.join(first.memberId()).get();
        assertEquals(Errors.NONE.code, joined.errorCode());
        assertEquals("range", joined.protocolName());
        assertEquals(1, joined.members().size(), "the leader learns every member's metadata");
        assertEquals(GroupState.COMPLETING_REBALANCE, f.group().state());
    }

    @Test
    void aMadeUpMemberIdIsUnknown() {
        stableSingleMember();
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code, f.join("nobody").get().errorCode());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code, f.heartbeat("nobody", 1));
    }

    @Test
    void theFirstRebalanceWaitsTheInitialDelayForMoreMembers() {
        GroupFixture delayed = new GroupFixture(Map.of(GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, 3000,
            GroupCoordinatorConfig.GROUP_MIN_SESSION_TIMEOUT_MS, 1000));
        String a = delayed.newMember();
        AtomicReference<JoinGroupResponse> joinA = delayed.join(a);
        delayed.advance(1000);
        String b = delayed.newMember();
        AtomicReference<JoinGroupResponse> joinB = delayed.join(b);
        delayed.advance(1999);
        assertNull(joinA.get(), "still inside group.initial.rebalance.delay.ms");
        delayed.advance(1);
        assertEquals(1, joinA.get().generationId());
        assertEquals(1, joinB.get().generationId());
        assertEquals(2, joinA.get().members().size() + joinB.get().members().size(), "one leader sees both");
    }

    @Test
    void aJoiningMemberRebalancesAStableGroupAndTheLeaderAssignsEveryone() {
        String a = stableSingleMember();
        String b = f.newMember();
        AtomicReference<JoinGroupResponse> joinB = f.join(b);
        assertNull(joinB.get(), "waits for the existing member to rejoin");
        assertEquals(GroupState.PREPARING_REBALANCE, f.group().state());
        assertEquals(Errors.REBALANCE_IN_PROGRESS.code, f.heartbeat(a, 1));
        assertEquals(Errors.REBALANCE_IN_PROGRESS.code, f.sync(a, 1, Map.of()).get().errorCode());

        JoinGroupResponse joinA = f.join(a).get();
        assertEquals(2, joinA.generationId());
        assertEquals(2, joinB.get().generationId());
        assertEquals(a, joinA.leader(), "the leader stays while it is a member");
        assertEquals(2, joinA.members().size());
        assertEquals(0, joinB.get().members().size(), "followers do not see the members");

        AtomicReference<SyncGroupResponse> syncB = f.sync(b, 2, Map.of());
        assertNull(syncB.get(), "a follower waits for the leader's assignment");
        SyncGroupResponse syncA = f.sync(a, 2, Map.of(a, new byte[] {1}, b, new byte[] {2})).get();
        assertArrayEquals(new byte[] {1}, syncA.assignment());
        assertArrayEquals(new byte[] {2}, syncB.get().assignment());
        assertEquals(GroupState.STABLE, f.group().state());
        assertEquals(Errors.NONE.code, f.heartbeat(b, 2));
        assertEquals(Errors.ILLEGAL_GENERATION.code, f.heartbeat(b, 1));
        assertTrue(f.written.size() >= 2, "each generation's assignment is written");
    }

    @Test
    void aMemberWhoseSessionExpiresIsRemovedAndTheOthersRebalance() {
        String a = stableSingleMember();
        String b = f.newMember();
        AtomicReference<JoinGroupResponse> joinB = f.join(b);
        f.join(a);
        f.sync(b, 2, Map.of());
        f.sync(a, 2, Map.of(a, new byte[] {1}, b, new byte[] {2}));
        f.advance(SESSION_MS / 2);
        assertEquals(Errors.NONE.code, f.heartbeat(a, 2), "a keeps its session alive");
        f.advance(SESSION_MS / 2 - 1);
        assertEquals(GroupState.STABLE, f.group().state(), "b's session has a millisecond left");
        f.advance(1);
        assertEquals(GroupState.PREPARING_REBALANCE, f.group().state(), "b stopped heartbeating");
        assertEquals(Errors.REBALANCE_IN_PROGRESS.code, f.heartbeat(a, 2), "a is told to rejoin");
        assertNotNull(joinB.get());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code, f.heartbeat(b, 2));
        JoinGroupResponse rejoined = f.join(a).get();
        assertEquals(3, rejoined.generationId());
        assertEquals(List.of(a), rejoined.members().stream().map(JoinGroupResponse.JoinGroupResponseMember::memberId).toList());
    }

    @Test
    void aMemberThatDoesNotRejoinWithinTheRebalanceTimeoutIsDropped() {
        String a = stableSingleMember();
        String b = f.newMember();
        AtomicReference<JoinGroupResponse> joinB = f.join(b);
        // a keeps heartbeating (told to rejoin) but never rejoins
        for (long t = 0; t < REBALANCE_MS; t += SESSION_MS / 2) {
            f.heartbeat(a, 1);
            f.heartbeat(b, 1);
            f.advance(SESSION_MS / 2);
        }
        assertNotNull(joinB.get());
        assertEquals(2, joinB.get().generationId());
        assertEquals(b, joinB.get().leader(), "the only member left leads");
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code, f.heartbeat(a, 1));
    }

    @Test
    void leavingEmptiesTheGroupAndLeavingTwiceIsUnknown() {
        String a = stableSingleMember();
        LeaveGroupResponse left = f.coordinator.leave(new LeaveGroupRequest(GROUP, "",
            List.of(new LeaveGroupRequest.MemberIdentity(a, null, "closing"),
                new LeaveGroupRequest.MemberIdentity("ghost", null, null))), f.nowMs);
        assertEquals(Errors.NONE.code, left.members().get(0).errorCode());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code, left.members().get(1).errorCode());
        assertEquals(GroupState.EMPTY, f.group().state());
        assertEquals(2, f.group().generationId, "emptying the group ends a generation");
    }

    @Test
    void aStaticMemberRejoiningWithTheSameMetadataTakesOverWithoutARebalance() {
        AtomicReference<JoinGroupResponse> first = f.join("", "instance-1", new byte[] {1});
        assertEquals(Errors.NONE.code, first.get().errorCode(), "static members skip MEMBER_ID_REQUIRED");
        String oldId = first.get().memberId();
        f.sync(oldId, 1, Map.of(oldId, new byte[] {9}));
        assertEquals(GroupState.STABLE, f.group().state());

        JoinGroupResponse again = f.join("", "instance-1", new byte[] {1}).get();
        assertEquals(Errors.NONE.code, again.errorCode());
        assertNotEquals(oldId, again.memberId());
        assertEquals(1, again.generationId(), "no new generation");
        assertTrue(again.skipAssignment(), "the leader keeps the current assignment");
        assertEquals(GroupState.STABLE, f.group().state());
        assertEquals(Errors.FENCED_INSTANCE_ID.code, f.coordinator.heartbeat(
            new io.varve.protocol.generated.HeartbeatRequest(GROUP, 1, oldId, "instance-1"), f.nowMs).errorCode());
        assertArrayEquals(new byte[] {9}, f.sync(again.memberId(), 1, Map.of()).get().assignment(),
            "the new id inherits the assignment");
    }

    @Test
    void aStaticMemberWithNewMetadataRebalancesAndCanLeaveByInstanceId() {
        String oldId = f.join("", "instance-1", new byte[] {1}).get().memberId();
        f.sync(oldId, 1, Map.of());
        JoinGroupResponse changed = f.join("", "instance-1", new byte[] {2}).get();
        assertEquals(2, changed.generationId(), "new subscription: new generation");
        LeaveGroupResponse left = f.coordinator.leave(new LeaveGroupRequest(GROUP, "",
            List.of(new LeaveGroupRequest.MemberIdentity("", "instance-1", null))), f.nowMs);
        assertEquals(Errors.NONE.code, left.members().get(0).errorCode());
        assertEquals(GroupState.EMPTY, f.group().state());
    }

    @Test
    void joinsWithoutACommonProtocolOrWithABadSessionTimeoutAreRefused() {
        stableSingleMember();
        AtomicReference<JoinGroupResponse> answer = new AtomicReference<>();
        f.coordinator.join(new JoinGroupRequest(GROUP, SESSION_MS, REBALANCE_MS, "", null, "consumer",
            List.of(new JoinGroupRequest.JoinGroupRequestProtocol("roundrobin", new byte[0])), null), "c", "h", f.nowMs, answer::set);
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code, answer.get().errorCode());
        f.coordinator.join(new JoinGroupRequest(GROUP, 10, REBALANCE_MS, "", null, "consumer",
            List.of(new JoinGroupRequest.JoinGroupRequestProtocol("range", new byte[0])), null), "c", "h", f.nowMs, answer::set);
        assertEquals(Errors.INVALID_SESSION_TIMEOUT.code, answer.get().errorCode());
    }

    @Test
    void theGroupMaxSizeIsEnforced() {
        GroupFixture small = new GroupFixture(Map.of(GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, 0,
            GroupCoordinatorConfig.GROUP_MIN_SESSION_TIMEOUT_MS, 1000, GroupCoordinatorConfig.GROUP_MAX_SIZE, 1));
        small.join(small.newMember());
        assertEquals(Errors.GROUP_MAX_SIZE_REACHED.code, small.join("").get().errorCode());
    }

    @Test
    void aProtocolEveryMemberSupportsIsChosenByVote() {
        ClassicGroup g = new ClassicGroup("v");
        g.members.put("a", new GroupMember("a", null, "c", "h", 1, 1, List.of(
            new JoinGroupRequest.JoinGroupRequestProtocol("cooperative-sticky", new byte[0]),
            new JoinGroupRequest.JoinGroupRequestProtocol("range", new byte[0]))));
        g.members.put("b", new GroupMember("b", null, "c", "h", 1, 1, List.of(
            new JoinGroupRequest.JoinGroupRequestProtocol("range", new byte[0]),
            new JoinGroupRequest.JoinGroupRequestProtocol("cooperative-sticky", new byte[0]))));
        g.members.put("c", new GroupMember("c", null, "c", "h", 1, 1, List.of(
            new JoinGroupRequest.JoinGroupRequestProtocol("cooperative-sticky", new byte[0]),
            new JoinGroupRequest.JoinGroupRequestProtocol("range", new byte[0]),
            new JoinGroupRequest.JoinGroupRequestProtocol("roundrobin", new byte[0]))));
        assertEquals("cooperative-sticky", g.selectProtocol());
    }

    @Test
    void unloadingAnswersWaitingMembersNotCoordinator() {
        String a = stableSingleMember();
        String b = f.newMember();
        AtomicReference<JoinGroupResponse> joinB = f.join(b);
        f.coordinator.unload(GROUP::equals);
        assertEquals(Errors.NOT_COORDINATOR.code, joinB.get().errorCode());
        assertNull(f.coordinator.state(GROUP));
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code, f.heartbeat(a, 1));
    }
}
