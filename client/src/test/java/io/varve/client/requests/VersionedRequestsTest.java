package io.varve.client.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.generated.FindCoordinatorRequest;
import io.varve.protocol.generated.FindCoordinatorResponse;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.LeaveGroupRequest;
import io.varve.protocol.generated.OffsetFetchRequest;
import io.varve.protocol.generated.OffsetFetchResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Requests built per version carry the fields that version has, and their answers read the same either side. */
class VersionedRequestsTest {

    private static ProtocolReader encoded(GeneratedMessage m, short version) {
        ProtocolWriter w = new ProtocolWriter();
        m.write(w, version);
        return new ProtocolReader(w.toByteBuffer());
    }

    @Test
    void findCoordinatorBelowV4SendsOneKeyAndFromV4AList() {
        for (short v = 0; v <= 6; v++) {
            FindCoordinatorRequest sent = (FindCoordinatorRequest) FindCoordinators.request(FindCoordinators.KEY_TYPE_GROUP, "g1").build(v);
            FindCoordinatorRequest read = FindCoordinatorRequest.read(encoded(sent, v), v);
            if (v < 4) {
                assertEquals("g1", read.key(), "v" + v);
                assertEquals(List.of(), read.coordinatorKeys(), "v" + v);
            } else {
                assertEquals(List.of("g1"), read.coordinatorKeys(), "v" + v);
            }
        }
    }

    @Test
    void findCoordinatorAnswersOfBothShapesGiveTheSameCoordinator() {
        FindCoordinatorResponse old = FindCoordinatorResponse.builder().nodeId(3).host("h").port(9092).errorMessage(null).build();
        FindCoordinatorResponse listed = FindCoordinatorResponse.builder().coordinators(List.of(
            FindCoordinatorResponse.Coordinator.builder().key("g1").nodeId(3).host("h").port(9092).errorMessage(null).build())).build();

        FindCoordinators.Coordinator fromV3 = FindCoordinators.coordinator(
            FindCoordinatorResponse.read(encoded(old, (short) 3), (short) 3));
        FindCoordinators.Coordinator fromV4 = FindCoordinators.coordinator(
            FindCoordinatorResponse.read(encoded(listed, (short) 4), (short) 4));

        assertEquals(new FindCoordinators.Coordinator(3, "h", 9092, (short) 0, null), fromV3);
        assertEquals(fromV3, fromV4);
    }

    @Test
    void offsetFetchBelowV8AsksForOneGroupAndFromV8ThroughTheGroupList() {
        Map<String, List<Integer>> wanted = Map.of("t", List.of(0, 1));
        OffsetFetchRequest v7 = OffsetFetchRequest.read(encoded(OffsetFetches.request("g", wanted).build((short) 7), (short) 7), (short) 7);
        OffsetFetchRequest v8 = OffsetFetchRequest.read(encoded(OffsetFetches.request("g", wanted).build((short) 8), (short) 8), (short) 8);
        OffsetFetchRequest all = OffsetFetchRequest.read(encoded(OffsetFetches.request("g", null).build((short) 2), (short) 2), (short) 2);

        assertEquals("g", v7.groupId());
        assertEquals(List.of(0, 1), v7.topics().get(0).partitionIndexes());
        assertEquals(1, v8.groups().size());
        assertEquals("g", v8.groups().get(0).groupId());
        assertEquals(List.of(0, 1), v8.groups().get(0).topics().get(0).partitionIndexes());
        assertNull(all.topics(), "a null topic list asks for every partition");
    }

    @Test
    void offsetFetchAnswersOfBothShapesGiveTheSameOffsets() {
        OffsetFetchResponse old = OffsetFetchResponse.builder().topics(List.of(
            OffsetFetchResponse.OffsetFetchResponseTopic.builder().name("t").partitions(List.of(
                OffsetFetchResponse.OffsetFetchResponsePartition.builder().partitionIndex(1).committedOffset(42L)
                    .metadata("").build())).build())).build();
        OffsetFetchResponse grouped = OffsetFetchResponse.builder().groups(List.of(
            OffsetFetchResponse.OffsetFetchResponseGroup.builder().groupId("g").topics(List.of(
                OffsetFetchResponse.OffsetFetchResponseTopics.builder().name("t").partitions(List.of(
                    OffsetFetchResponse.OffsetFetchResponsePartitions.builder().partitionIndex(1).committedOffset(42L)
                        .metadata("").build())).build())).build())).build();

        OffsetFetches.GroupOffsets fromV7 = OffsetFetches.offsets(OffsetFetchResponse.read(encoded(old, (short) 7), (short) 7));
        OffsetFetches.GroupOffsets fromV8 = OffsetFetches.offsets(OffsetFetchResponse.read(encoded(grouped, (short) 8), (short) 8));

        assertEquals(1, fromV7.partitions().size());
        assertEquals(new OffsetFetches.Committed("t", 1, 42L, -1, "", (short) 0), fromV7.partitions().get(0));
        assertEquals(fromV7, fromV8);
    }

    @Test
    void leaveGroupBelowV3NamesOneMemberAndFromV3ListsItWithTheReasonFromV5() {
        LeaveGroupRequest v2 = LeaveGroupRequest.read(encoded(LeaveGroups.request("g", "m-1", "bye").build((short) 2), (short) 2), (short) 2);
        LeaveGroupRequest v4 = LeaveGroupRequest.read(encoded(LeaveGroups.request("g", "m-1", "bye").build((short) 4), (short) 4), (short) 4);
        LeaveGroupRequest v5 = LeaveGroupRequest.read(encoded(LeaveGroups.request("g", "m-1", "bye").build((short) 5), (short) 5), (short) 5);

        assertEquals("m-1", v2.memberId());
        assertEquals(List.of(), v2.members());
        assertEquals("m-1", v4.members().get(0).memberId());
        assertNull(v4.members().get(0).reason(), "the reason is ignorable and dropped below v5");
        assertEquals("bye", v5.members().get(0).reason());
    }
}
