package io.varve.protocol.message;

import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaRead;
import static io.varve.protocol.message.KafkaCodecOracle.varveBytes;
import static io.varve.protocol.message.KafkaCodecOracle.varveRead;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;

/**
 * The classic group protocol's codecs (FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup, OffsetCommit, OffsetFetch, ListGroups, DescribeGroups, DeleteGroups) against
 * kafka-clients' generated classes at every advertised version: Kafka's bytes decode with ours,
 * re-encode byte for byte, and Kafka decodes ours back to the message it started from.
 */
class GroupCodecsTest {

    private static final byte[] META = {0, 3, 1, 2, 3, 4};
    private static final byte[] ASSIGNMENT = {0, 1, 9, 8, 7};

    /** Round-trips {@code theirs} at {@code v} and returns our decoded message for field checks. */
    private static <K extends Message, V extends ApiMessage> V roundTrip(K theirs, short v,
            BiFunction<ProtocolReader, Short, V> ours, BiFunction<ByteBufferAccessor, Short, K> kafka) {
        ByteBuffer kafkaBytes = kafkaBytes(theirs, v);
        V decoded = varveRead(kafkaBytes, v, ours);
        assertEquals(kafkaBytes, varveBytes(decoded, v), "byte-identical at v" + v + ": " + decoded);
        assertEquals(theirs, kafkaRead(varveBytes(decoded, v), v, kafka), "Kafka decodes ours at v" + v);
        return decoded;
    }

    private static void everyVersion(ApiKey key, Function<Short, Message> theirs,
            BiFunction<ProtocolReader, Short, ? extends ApiMessage> ours,
            BiFunction<ByteBufferAccessor, Short, ? extends Message> kafka) {
        for (short v = key.minVersion; v <= key.maxVersion; v++) {
            Message message = theirs.apply(v);
            ByteBuffer kafkaBytes = kafkaBytes(message, v);
            ApiMessage decoded = varveRead(kafkaBytes, v, ours);
            assertEquals(key, decoded.apiKey());
            assertEquals(kafkaBytes, varveBytes(decoded, v), key + " byte-identical at v" + v + ": " + decoded);
            assertEquals(message, kafkaRead(varveBytes(decoded, v), v, kafka), key + " Kafka decodes ours at v" + v);
        }
    }

    @Test
    void findCoordinator() {
        everyVersion(ApiKey.FIND_COORDINATOR, v -> new FindCoordinatorRequestData().setKeyType((byte) 0)
                .setCoordinatorKeys(List.of("g1", "g2")), FindCoordinatorRequest::read, FindCoordinatorRequestData::new);
        everyVersion(ApiKey.FIND_COORDINATOR, v -> new FindCoordinatorResponseData().setThrottleTimeMs(3)
                .setCoordinators(List.of(new FindCoordinatorResponseData.Coordinator().setKey("g1").setNodeId(2)
                        .setHost("127.0.0.1").setPort(9092).setErrorCode((short) 0).setErrorMessage(null),
                        new FindCoordinatorResponseData.Coordinator().setKey("g2").setNodeId(-1).setHost("")
                                .setPort(-1).setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code)
                                .setErrorMessage("loading"))),
                FindCoordinatorResponse::read, FindCoordinatorResponseData::new);
        FindCoordinatorRequest request = roundTrip(new FindCoordinatorRequestData().setCoordinatorKeys(List.of("a")),
                (short) 4, FindCoordinatorRequest::read, FindCoordinatorRequestData::new);
        assertEquals(new FindCoordinatorRequest((byte) 0, List.of("a")), request);
        assertEquals(List.of(new FindCoordinatorResponse.Coordinator("a", -1, "", -1, Errors.NOT_COORDINATOR.code,
                null)), request.errorResponse(Errors.NOT_COORDINATOR).coordinators());
    }

    static JoinGroupRequestData joinRequest(short v) {
        JoinGroupRequestData data = new JoinGroupRequestData().setGroupId("g").setSessionTimeoutMs(45_000)
                .setRebalanceTimeoutMs(300_000).setMemberId("m-1").setGroupInstanceId(v % 2 == 0 ? "i-1" : null)
                .setProtocolType("consumer");
        data.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(META));
        data.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("cooperative-sticky")
                .setMetadata(new byte[0]));
        if (v >= 8) {
            data.setReason("rebalance needed");
        }
        return data;
    }

    static JoinGroupResponseData joinResponse(short v) {
        JoinGroupResponseData data = new JoinGroupResponseData().setThrottleTimeMs(1).setErrorCode((short) 0)
                .setGenerationId(7).setProtocolName("range").setLeader("m-1").setMemberId("m-2");
        if (v >= 7) {
            data.setProtocolType("consumer");
        }
        if (v >= 9) {
            data.setSkipAssignment(true);
        }
        data.setMembers(List.of(new JoinGroupResponseData.JoinGroupResponseMember().setMemberId("m-1")
                .setGroupInstanceId("i-1").setMetadata(META),
                new JoinGroupResponseData.JoinGroupResponseMember().setMemberId("m-2").setMetadata(new byte[0])));
        return data;
    }

    @Test
    void joinGroup() {
        everyVersion(ApiKey.JOIN_GROUP, GroupCodecsTest::joinRequest, JoinGroupRequest::read,
                JoinGroupRequestData::new);
        everyVersion(ApiKey.JOIN_GROUP, GroupCodecsTest::joinResponse, JoinGroupResponse::read,
                JoinGroupResponseData::new);
        JoinGroupRequest request = roundTrip(joinRequest((short) 8), (short) 8, JoinGroupRequest::read,
                JoinGroupRequestData::new);
        assertEquals("i-1", request.groupInstanceId());
        assertEquals("range", request.protocols().get(0).name());
        assertArrayEquals(META, request.protocols().get(0).metadata());
        assertEquals("rebalance needed", request.reason());
        // a null protocol name (an error answer) is written as "" before v7, as Kafka writes it
        JoinGroupResponse error = request.errorResponse(Errors.MEMBER_ID_REQUIRED);
        assertEquals(new JoinGroupResponseData().setErrorCode(Errors.MEMBER_ID_REQUIRED.code).setGenerationId(-1)
                .setProtocolName("").setLeader("").setMemberId("m-1"),
                kafkaRead(varveBytes(error, (short) 6), (short) 6, JoinGroupResponseData::new));
        JoinGroupResponseData v7 = kafkaRead(varveBytes(error, (short) 7), (short) 7, JoinGroupResponseData::new);
        assertNull(v7.protocolName());
    }

    @Test
    void syncGroup() {
        everyVersion(ApiKey.SYNC_GROUP, v -> {
            SyncGroupRequestData data = new SyncGroupRequestData().setGroupId("g").setGenerationId(3)
                    .setMemberId("m-1").setGroupInstanceId("i-1");
            if (v >= 5) {
                data.setProtocolType("consumer").setProtocolName("range");
            }
            data.setAssignments(List.of(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId("m-1")
                    .setAssignment(ASSIGNMENT)));
            return data;
        }, SyncGroupRequest::read, SyncGroupRequestData::new);
        everyVersion(ApiKey.SYNC_GROUP, v -> {
            SyncGroupResponseData data = new SyncGroupResponseData().setThrottleTimeMs(2)
                    .setErrorCode(Errors.REBALANCE_IN_PROGRESS.code).setAssignment(ASSIGNMENT);
            if (v >= 5) {
                data.setProtocolType("consumer").setProtocolName("range");
            }
            return data;
        }, SyncGroupResponse::read, SyncGroupResponseData::new);
        SyncGroupResponse ours = roundTrip(new SyncGroupResponseData().setAssignment(ASSIGNMENT), (short) 4,
                SyncGroupResponse::read, SyncGroupResponseData::new);
        assertArrayEquals(ASSIGNMENT, ours.assignment());
    }

    @Test
    void heartbeatAndLeaveGroup() {
        everyVersion(ApiKey.HEARTBEAT, v -> new HeartbeatRequestData().setGroupId("g").setGenerationId(4)
                .setMemberId("m").setGroupInstanceId(null), HeartbeatRequest::read, HeartbeatRequestData::new);
        everyVersion(ApiKey.HEARTBEAT, v -> new HeartbeatResponseData().setErrorCode(Errors.ILLEGAL_GENERATION.code),
                HeartbeatResponse::read, HeartbeatResponseData::new);
        everyVersion(ApiKey.LEAVE_GROUP, v -> new LeaveGroupRequestData().setGroupId("g").setMembers(List.of(
                new LeaveGroupRequestData.MemberIdentity().setMemberId("m-1").setReason(v >= 5 ? "closing" : null),
                new LeaveGroupRequestData.MemberIdentity().setMemberId("").setGroupInstanceId("i-2"))),
                LeaveGroupRequest::read, LeaveGroupRequestData::new);
        everyVersion(ApiKey.LEAVE_GROUP, v -> new LeaveGroupResponseData().setErrorCode((short) 0).setMembers(List.of(
                new LeaveGroupResponseData.MemberResponse().setMemberId("m-1").setGroupInstanceId(null),
                new LeaveGroupResponseData.MemberResponse().setMemberId("").setGroupInstanceId("i-2")
                        .setErrorCode(Errors.UNKNOWN_MEMBER_ID.code))),
                LeaveGroupResponse::read, LeaveGroupResponseData::new);
    }

    @Test
    void offsetCommit() {
        everyVersion(ApiKey.OFFSET_COMMIT, v -> new OffsetCommitRequestData().setGroupId("g")
                .setGenerationIdOrMemberEpoch(5).setMemberId("m-1").setGroupInstanceId(null)
                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("orders")
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(42).setCommittedLeaderEpoch(3)
                                .setCommittedMetadata("meta"),
                                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(5)
                                        .setCommittedOffset(7_000_000_000L).setCommittedMetadata(null))))),
                OffsetCommitRequest::read, OffsetCommitRequestData::new);
        everyVersion(ApiKey.OFFSET_COMMIT, v -> new OffsetCommitResponseData().setThrottleTimeMs(9)
                .setTopics(List.of(new OffsetCommitResponseData.OffsetCommitResponseTopic().setName("orders")
                        .setPartitions(List.of(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                                .setPartitionIndex(5).setErrorCode(Errors.ILLEGAL_GENERATION.code))))),
                OffsetCommitResponse::read, OffsetCommitResponseData::new);
    }

    static OffsetFetchRequestData fetchRequest(short v) {
        OffsetFetchRequestData.OffsetFetchRequestGroup all = new OffsetFetchRequestData.OffsetFetchRequestGroup()
                .setGroupId("all").setTopics(null);
        OffsetFetchRequestData.OffsetFetchRequestGroup some = new OffsetFetchRequestData.OffsetFetchRequestGroup()
                .setGroupId("some").setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                        .setName("orders").setPartitionIndexes(List.of(0, 1, 2))));
        if (v >= 9) {
            some.setMemberId("m-1").setMemberEpoch(4);
        }
        return new OffsetFetchRequestData().setGroups(List.of(all, some)).setRequireStable(true);
    }

    @Test
    void offsetFetch() {
        everyVersion(ApiKey.OFFSET_FETCH, GroupCodecsTest::fetchRequest, OffsetFetchRequest::read,
                OffsetFetchRequestData::new);
        everyVersion(ApiKey.OFFSET_FETCH, v -> new OffsetFetchResponseData().setGroups(List.of(
                new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId("g").setTopics(List.of(
                        new OffsetFetchResponseData.OffsetFetchResponseTopics().setName("orders").setPartitions(List.of(
                                new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(1)
                                        .setCommittedOffset(99).setCommittedLeaderEpoch(2).setMetadata(""),
                                new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(2)
                                        .setCommittedOffset(-1).setMetadata(null))))),
                new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId("x")
                        .setErrorCode(Errors.NOT_COORDINATOR.code))),
                OffsetFetchResponse::read, OffsetFetchResponseData::new);
        OffsetFetchRequest ours = roundTrip(fetchRequest((short) 8), (short) 8, OffsetFetchRequest::read,
                OffsetFetchRequestData::new);
        assertNull(ours.groups().get(0).topics(), "a null topic list means every committed partition");
        assertEquals(List.of(0, 1, 2), ours.groups().get(1).topics().get(0).partitionIndexes());
    }

    @Test
    void listDescribeAndDeleteGroups() {
        everyVersion(ApiKey.LIST_GROUPS, v -> new ListGroupsRequestData()
                .setStatesFilter(v >= 4 ? List.of("Stable", "Empty") : List.of())
                .setTypesFilter(v >= 5 ? List.of("classic") : List.of()), ListGroupsRequest::read,
                ListGroupsRequestData::new);
        everyVersion(ApiKey.LIST_GROUPS, v -> new ListGroupsResponseData().setGroups(List.of(
                new ListGroupsResponseData.ListedGroup().setGroupId("g").setProtocolType("consumer")
                        .setGroupState(v >= 4 ? "Stable" : "").setGroupType(v >= 5 ? "classic" : ""))),
                ListGroupsResponse::read, ListGroupsResponseData::new);
        everyVersion(ApiKey.DESCRIBE_GROUPS, v -> new DescribeGroupsRequestData().setGroups(List.of("a", "b"))
                .setIncludeAuthorizedOperations(true), DescribeGroupsRequest::read, DescribeGroupsRequestData::new);
        everyVersion(ApiKey.DESCRIBE_GROUPS, v -> new DescribeGroupsResponseData().setGroups(List.of(
                new DescribeGroupsResponseData.DescribedGroup().setGroupId("a").setGroupState("Stable")
                        .setProtocolType("consumer").setProtocolData("range").setMembers(List.of(
                                new DescribeGroupsResponseData.DescribedGroupMember().setMemberId("m-1")
                                        .setGroupInstanceId("i-1").setClientId("c").setClientHost("/127.0.0.1")
                                        .setMemberMetadata(META).setMemberAssignment(ASSIGNMENT))),
                new DescribeGroupsResponseData.DescribedGroup().setGroupId("b").setGroupState("Dead")
                        .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code).setErrorMessage(v >= 6 ? "no group" : null))),
                DescribeGroupsResponse::read, DescribeGroupsResponseData::new);
        everyVersion(ApiKey.DELETE_GROUPS, v -> new DeleteGroupsRequestData().setGroupsNames(List.of("a", "b")),
                DeleteGroupsRequest::read, DeleteGroupsRequestData::new);
        DeleteGroupsResponseData deleted = new DeleteGroupsResponseData().setThrottleTimeMs(0);
        deleted.results().add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId("a"));
        deleted.results().add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId("b")
                .setErrorCode(Errors.NON_EMPTY_GROUP.code));
        everyVersion(ApiKey.DELETE_GROUPS, v -> deleted, DeleteGroupsResponse::read, DeleteGroupsResponseData::new);
    }

    @Test
    void unknownTaggedFieldsAreSkipped() {
        JoinGroupRequestData theirs = joinRequest((short) 9);
        JoinGroupRequest plain = varveRead(kafkaBytes(theirs, (short) 9), (short) 9, JoinGroupRequest::read);
        theirs.unknownTaggedFields().add(new RawTaggedField(7, new byte[] {1, 2}));
        theirs.protocols().iterator().next().unknownTaggedFields().add(new RawTaggedField(0, new byte[] {3}));
        assertEquals(plain, varveRead(kafkaBytes(theirs, (short) 9), (short) 9, JoinGroupRequest::read));
    }

    @Test
    void errorResponsesNameEveryGroupAndPartition() {
        OffsetCommitRequest commit = new OffsetCommitRequest("g", 1, "m", null, List.of(new OffsetCommitRequest.Topic(
                "t", List.of(new OffsetCommitRequest.Partition(3, 10, -1, null)))));
        assertEquals(new OffsetCommitResponse(0, List.of(new OffsetCommitResponse.Topic("t",
                List.of(new OffsetCommitResponse.Partition(3, Errors.NOT_COORDINATOR.code))))),
                commit.errorResponse(Errors.NOT_COORDINATOR));
        DescribeGroupsResponse described = new DescribeGroupsRequest(List.of("a", "b"), false)
                .errorResponse(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertEquals(2, described.groups().size());
        assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS.code, described.groups().get(1).errorCode());
        assertEquals(List.of(new DeleteGroupsResponse.Result("a", Errors.NOT_COORDINATOR.code)),
                new DeleteGroupsRequest(List.of("a")).errorResponse(Errors.NOT_COORDINATOR).results());
    }
}
