package io.varve.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.varve.protocol.Errors;
import io.varve.protocol.generated.JoinGroupRequest;
import io.varve.protocol.generated.JoinGroupResponse;
import io.varve.protocol.generated.LeaveGroupRequest;
import io.varve.protocol.generated.LeaveGroupResponse;
import io.varve.protocol.generated.OffsetFetchRequest;
import io.varve.protocol.generated.OffsetFetchResponse;
import io.varve.protocol.generated.SyncGroupResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The old group versions mapped onto the coordinator's shape and back, version by version. */
class GroupVersionsTest {

    private static final UUID NO_ID = new UUID(0L, 0L);

    @Test
    void joinV0UsesTheSessionTimeoutAsRebalanceTimeoutLaterVersionsKeepTheirs() {
        JoinGroupRequest v0 = new JoinGroupRequest("g", 6000, -1, "", null, "consumer", List.of(), null);
        assertEquals(6000, GroupVersions.join(v0, (short) 0).rebalanceTimeoutMs());
        JoinGroupRequest v1 = v0.toBuilder().rebalanceTimeoutMs(9000).build();
        assertSame(v1, GroupVersions.join(v1, (short) 1));
    }

    @Test
    void joinAnswersBeforeV7HaveNoProtocolTypeAndANonNullNameBeforeV9NoSkipAssignment() {
        JoinGroupResponse error = GroupCoordinator.joinError(Errors.UNKNOWN_MEMBER_ID, "m");
        assertEquals("", GroupVersions.join(error, (short) 6).protocolName());
        assertNull(GroupVersions.join(error, (short) 7).protocolName());
        JoinGroupResponse ok = new JoinGroupResponse(0, (short) 0, 3, "consumer", "range", "m", true, "m", List.of());
        JoinGroupResponse v6 = GroupVersions.join(ok, (short) 6);
        assertNull(v6.protocolType());
        assertFalse(v6.skipAssignment());
        assertEquals("range", v6.protocolName());
        assertSame(ok, GroupVersions.join(ok, (short) 9));
    }

    @Test
    void syncAnswersCarryProtocolTypeAndNameFromV5() {
        SyncGroupResponse ok = new SyncGroupResponse(0, (short) 0, "consumer", "range", new byte[] {1});
        SyncGroupResponse v4 = GroupVersions.sync(ok, (short) 4);
        assertNull(v4.protocolType());
        assertNull(v4.protocolName());
        assertSame(ok, GroupVersions.sync(ok, (short) 5));
    }

    @Test
    void leaveBeforeV3NamesOneMemberAndAnswersWithItsErrorAtTopLevel() {
        LeaveGroupRequest v2 = new LeaveGroupRequest("g", "m-1", List.of());
        LeaveGroupRequest mapped = GroupVersions.leave(v2, (short) 2);
        assertEquals(1, mapped.members().size());
        assertEquals("m-1", mapped.members().get(0).memberId());

        LeaveGroupResponse batched = new LeaveGroupResponse(0, (short) 0, List.of(
            new LeaveGroupResponse.MemberResponse("m-1", null, Errors.UNKNOWN_MEMBER_ID.code)));
        LeaveGroupResponse v2Answer = GroupVersions.leave(batched, (short) 2);
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code, v2Answer.errorCode());
        assertEquals(0, v2Answer.members().size());
        assertSame(batched, GroupVersions.leave(batched, (short) 3));
    }

    @Test
    void offsetFetchBeforeV8IsOneGroupWithTheErrorAtTopLevelFromV2AndTheEpochFromV5() {
        OffsetFetchRequest v1 = new OffsetFetchRequest("g", List.of(
            new OffsetFetchRequest.OffsetFetchRequestTopic("t", List.of(0))), List.of(), false);
        OffsetFetchRequest.OffsetFetchRequestGroup group = GroupVersions.singleGroup(v1);
        assertEquals("g", group.groupId());
        assertEquals(List.of(0), group.topics().get(0).partitionIndexes());
        assertNull(GroupVersions.singleGroup(new OffsetFetchRequest("g", null, List.of(), false)).topics(),
            "v2+: null topics asks for every committed partition");

        OffsetFetchResponse.OffsetFetchResponseGroup answer = new OffsetFetchResponse.OffsetFetchResponseGroup("g",
            List.of(new OffsetFetchResponse.OffsetFetchResponseTopics("t", NO_ID, List.of(
                new OffsetFetchResponse.OffsetFetchResponsePartitions(0, 42L, 5, "", (short) 0)))),
            Errors.GROUP_AUTHORIZATION_FAILED.code);
        OffsetFetchResponse at1 = GroupVersions.singleGroup(answer, (short) 1);
        assertEquals(0, at1.errorCode(), "v0-1 have no top-level error");
        assertEquals(-1, at1.topics().get(0).partitions().get(0).committedLeaderEpoch());
        assertEquals(42L, at1.topics().get(0).partitions().get(0).committedOffset());
        OffsetFetchResponse at5 = GroupVersions.singleGroup(answer, (short) 5);
        assertEquals(Errors.GROUP_AUTHORIZATION_FAILED.code, at5.errorCode());
        assertEquals(5, at5.topics().get(0).partitions().get(0).committedLeaderEpoch());
    }
}
