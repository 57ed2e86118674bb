package io.varve.broker.group;

import static io.varve.broker.group.GroupFixture.GROUP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.DescribeGroupsResponse;
import io.varve.protocol.generated.OffsetFetchRequest;
import io.varve.protocol.generated.OffsetFetchResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Offset commits and fetches, group administration, lag, and reloading from the written records. */
class OffsetManagerTest {

    private final GroupFixture f = new GroupFixture();

    private String stableMember() {
        String m = f.newMember();
        f.join(m);
        f.sync(m, 1, Map.of(m, new byte[] {1}));
        return m;
    }

    private long fetched(String topic, int partition) {
        OffsetFetchResponse.OffsetFetchResponseGroup g = f.offsets.fetch(new OffsetFetchRequest.OffsetFetchRequestGroup(GROUP, null, -1,
            List.of(new OffsetFetchRequest.OffsetFetchRequestTopics(topic, new java.util.UUID(0L, 0L), List.of(partition)))));
        return g.topics().get(0).partitions().get(0).committedOffset();
    }

    @Test
    void aSimpleCommitNeedsNoGroupAndReadsBack() {
        assertEquals(Errors.NONE.code, f.commit("", -1, "orders", 3, 42));
        assertEquals(42, fetched("orders", 3));
        assertEquals(-1, fetched("orders", 4), "nothing committed: -1");
        assertEquals(GroupState.EMPTY, f.group().state());
        assertEquals(1, f.written.size(), "answered after the record was written");
    }

    @Test
    void commitsFromStaleGenerationsUnknownMembersOrMidRebalanceAreRefused() {
        String a = stableMember();
        assertEquals(Errors.NONE.code, f.commit(a, 1, "orders", 0, 10));
        assertEquals(Errors.ILLEGAL_GENERATION.code, f.commit(a, 0, "orders", 0, 11));
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code, f.commit("ghost", 1, "orders", 0, 12));
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code, f.commit("", -1, "orders", 0, 13),
            "a simple commit is refused while the group has members");
        String b = f.newMember();
        f.join(b);
        assertEquals(Errors.NONE.code, f.commit(a, 1, "orders", 0, 14),
            "PreparingRebalance: the current generation may still commit (eager revocation)");
        f.join(a);
        assertEquals(GroupState.COMPLETING_REBALANCE, f.group().state());
        assertEquals(Errors.REBALANCE_IN_PROGRESS.code, f.commit(a, 2, "orders", 0, 15));
        assertEquals(Errors.ILLEGAL_GENERATION.code, f.commit(a, 1, "orders", 0, 16));
        assertEquals(14, fetched("orders", 0));
    }

    @Test
    void aFailedWriteIsNotApplied() {
        f.logError = Errors.NOT_COORDINATOR;
        assertEquals(Errors.NOT_COORDINATOR.code, f.commit("", -1, "orders", 0, 5));
        assertEquals(-1, fetched("orders", 0));
    }

    @Test
    void tooLargeMetadataAndBadTopicNamesFailPerPartition() {
        GroupFixture small = new GroupFixture(Map.of(GroupCoordinatorConfig.OFFSET_METADATA_MAX_BYTES, 2,
            GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, 0));
        var req = new io.varve.protocol.generated.OffsetCommitRequest(GROUP, -1, "", null, -1L, List.of(
            new io.varve.protocol.generated.OffsetCommitRequest.OffsetCommitRequestTopic("t", new java.util.UUID(0L, 0L), List.of(
                new io.varve.protocol.generated.OffsetCommitRequest.OffsetCommitRequestPartition(0, 1, -1, "abc"),
                new io.varve.protocol.generated.OffsetCommitRequest.OffsetCommitRequestPartition(1, 1, -1, "ab"))),
            new io.varve.protocol.generated.OffsetCommitRequest.OffsetCommitRequestTopic("bad/name", new java.util.UUID(0L, 0L), List.of(
                new io.varve.protocol.generated.OffsetCommitRequest.OffsetCommitRequestPartition(0, 1, -1, null)))));
        var response = small.offsets.commit(req, (short) 9, small.nowMs);
        assertEquals(Errors.OFFSET_METADATA_TOO_LARGE.code, response.topics().get(0).partitions().get(0).errorCode());
        assertEquals(Errors.NONE.code, response.topics().get(0).partitions().get(1).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code, response.topics().get(1).partitions().get(0).errorCode());
    }

    @Test
    void fetchingEveryPartitionListsWhatWasCommitted() {
        f.commit("", -1, "b", 1, 5);
        f.commit("", -1, "a", 0, 7);
        OffsetFetchResponse.OffsetFetchResponseGroup all = f.offsets.fetch(new OffsetFetchRequest.OffsetFetchRequestGroup(GROUP, null, -1, null));
        assertEquals(List.of("a", "b"), all.topics().stream().map(OffsetFetchResponse.OffsetFetchResponseTopics::name).toList());
    }

    @Test
    void listDescribeAndDelete() {
        String a = stableMember();
        f.commit(a, 1, "orders", 0, 3);
        assertEquals(1, f.offsets.list(List.of("Stable"), List.of()).size());
        assertEquals(0, f.offsets.list(List.of("Empty"), List.of()).size());
        assertEquals(0, f.offsets.list(List.of(), List.of("consumer")).size(), "only classic groups here");
        DescribeGroupsResponse.DescribedGroup d = f.offsets.describe(GROUP, (short) 5);
        assertEquals("Stable", d.groupState());
        assertEquals("range", d.protocolData());
        assertEquals(a, d.members().get(0).memberId());
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code, f.offsets.describe("nope", (short) 6).errorCode());
        assertEquals("Dead", f.offsets.describe("nope", (short) 5).groupState());

        assertEquals(Errors.NON_EMPTY_GROUP.code, f.offsets.delete(GROUP, f.nowMs).errorCode());
        f.coordinator.leave(new io.varve.protocol.generated.LeaveGroupRequest(GROUP, "",
            List.of(new io.varve.protocol.generated.LeaveGroupRequest.MemberIdentity(a, null, null))), f.nowMs);
        int before = f.written.size();
        assertEquals(Errors.NONE.code, f.offsets.delete(GROUP, f.nowMs).errorCode());
        assertEquals(before + 2, f.written.size(), "an offset tombstone and a group tombstone");
        assertNull(f.written.get(f.written.size() - 1).value());
        assertNull(f.coordinator.state(GROUP));
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code, f.offsets.delete(GROUP, f.nowMs).errorCode());
    }

    @Test
    void lagIsTheEndOffsetMinusTheCommittedOffset() {
        f.commit("", -1, "orders", 0, 40);
        f.commit("", -1, "orders", 1, 10);
        f.commit("", -1, "gone", 0, 10);
        Map<TopicPartition, Long> ends = Map.of(new TopicPartition("orders", 0), 100L,
            new TopicPartition("orders", 1), 5L);
        List<OffsetManager.GroupLag> lag = f.offsets.lag(tp -> ends.getOrDefault(tp, -1L));
        assertEquals(List.of(new OffsetManager.GroupLag(GROUP, "orders", 0, 40, 100, 60),
            new OffsetManager.GroupLag(GROUP, "orders", 1, 10, 5, 0)), lag);
    }

    @Test
    void offsetsOfAGroupEmptyPastTheRetentionExpire() {
        GroupFixture r = new GroupFixture(Map.of(GroupCoordinatorConfig.OFFSETS_RETENTION_MS, 1000,
            GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, 0));
        r.commit("", -1, "orders", 0, 40);
        r.nowMs += 999;
        r.offsets.expireOffsets(r.nowMs);
        assertEquals(1, r.group().offsets.size());
        r.nowMs += 1;
        r.offsets.expireOffsets(r.nowMs);
        assertNull(r.group());
        assertNull(r.written.get(r.written.size() - 1).value(), "tombstoned");
    }

    @Test
    void replayingTheWrittenRecordsBringsGroupsAndOffsetsBack() {
        String a = stableMember();
        f.commit(a, 1, "orders", 2, 77);
        f.commit("", -1, "x", 0, 1);
        GroupLoader loader = new GroupLoader();
        for (CoordinatorRecord rec : f.written) {
            CoordinatorRecords.replay(ByteBuffer.wrap(rec.key()),
                rec.value() == null ? null : ByteBuffer.wrap(rec.value()), loader);
        }
        GroupFixture restarted = new GroupFixture();
        loader.finish(restarted.coordinator, restarted.nowMs);
        ClassicGroup g = restarted.group();
        assertEquals(GroupState.STABLE, g.state());
        assertEquals(1, g.generationId);
        assertEquals(a, g.leaderId);
        assertEquals(77, g.offsets.get(new TopicPartition("orders", 2)).offset());
        assertEquals(Errors.NONE.code, restarted.heartbeat(a, 1), "the member carries on after a restart");
        assertTrue(restarted.sync(a, 1, Map.of()).get().assignment().length == 1);
    }
}
