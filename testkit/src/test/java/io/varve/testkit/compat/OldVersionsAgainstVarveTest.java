package io.varve.testkit.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.codec.Records;
import io.varve.protocol.generated.ApiMessageType;
import io.varve.protocol.generated.ApiVersionsRequest;
import io.varve.protocol.generated.ApiVersionsResponse;
import io.varve.protocol.generated.CreatePartitionsRequest;
import io.varve.protocol.generated.CreatePartitionsResponse;
import io.varve.protocol.generated.CreateTopicsRequest;
import io.varve.protocol.generated.CreateTopicsResponse;
import io.varve.protocol.generated.DeleteGroupsRequest;
import io.varve.protocol.generated.DeleteGroupsResponse;
import io.varve.protocol.generated.DeleteTopicsRequest;
import io.varve.protocol.generated.DeleteTopicsResponse;
import io.varve.protocol.generated.DescribeConfigsRequest;
import io.varve.protocol.generated.DescribeConfigsResponse;
import io.varve.protocol.generated.DescribeGroupsRequest;
import io.varve.protocol.generated.DescribeGroupsResponse;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;
import io.varve.protocol.generated.FindCoordinatorRequest;
import io.varve.protocol.generated.FindCoordinatorResponse;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.HeartbeatRequest;
import io.varve.protocol.generated.HeartbeatResponse;
import io.varve.protocol.generated.InitProducerIdRequest;
import io.varve.protocol.generated.InitProducerIdResponse;
import io.varve.protocol.generated.JoinGroupRequest;
import io.varve.protocol.generated.JoinGroupResponse;
import io.varve.protocol.generated.LeaveGroupRequest;
import io.varve.protocol.generated.LeaveGroupResponse;
import io.varve.protocol.generated.ListGroupsRequest;
import io.varve.protocol.generated.ListGroupsResponse;
import io.varve.protocol.generated.ListOffsetsRequest;
import io.varve.protocol.generated.ListOffsetsResponse;
import io.varve.protocol.generated.MetadataRequest;
import io.varve.protocol.generated.MetadataResponse;
import io.varve.protocol.generated.OffsetCommitRequest;
import io.varve.protocol.generated.OffsetCommitResponse;
import io.varve.protocol.generated.OffsetFetchRequest;
import io.varve.protocol.generated.OffsetFetchResponse;
import io.varve.protocol.generated.ProduceRequest;
import io.varve.protocol.generated.ProduceResponse;
import io.varve.protocol.generated.SyncGroupRequest;
import io.varve.protocol.generated.SyncGroupResponse;
import io.varve.testkit.EmbeddedVarve;
import io.varve.testkit.WireHeader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The old, non-flexible versions that librdkafka, kafka-python, KafkaJS and Sarama send, served end to
 * end: each request is encoded with the generated codecs at that version and sent over a real socket to
 * an in-process Varve node, and the answer is decoded at the same version and checked. (kafka-clients
 * cannot be pinned to old versions, hence the raw client.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OldVersionsAgainstVarveTest {

    private static final UUID NO_ID = new UUID(0L, 0L);
    private static final int READ_TIMEOUT_MS = 30_000;

    @TempDir
    static Path dir;
    private EmbeddedVarve varve;
    private int port;
    private int correlationId;

    @BeforeAll
    void start() throws Exception {
        varve = EmbeddedVarve.start(dir, Map.of("group.initial.rebalance.delay.ms", "0",
            "group.min.session.timeout.ms", "1000", "offsets.topic.num.partitions", "1"));
        String bootstrap = varve.bootstrapServers();
        port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    }

    @AfterAll
    void stop() {
        if (varve != null) {
            varve.close();
        }
    }

    @Test
    void apiVersionsV0AdvertisesKafkasBandsWithProduceFromV0() throws Exception {
        ApiVersionsResponse r = call(ApiKey.API_VERSIONS, 0, new ApiVersionsRequest("", ""));
        assertEquals(Errors.NONE.code, r.errorCode());
        Map<Short, String> bands = new HashMap<>();
        r.apiKeys().forEach(v -> bands.put(v.apiKey(), v.minVersion() + "-" + v.maxVersion()));
        assertEquals(ApiKey.values().length, bands.size());
        assertEquals("0-13", bands.get(ApiKey.PRODUCE.id));
        assertEquals("4-18", bands.get(ApiKey.FETCH.id));
        assertEquals("1-11", bands.get(ApiKey.LIST_OFFSETS.id));
        assertEquals("0-13", bands.get(ApiKey.METADATA.id));
        assertEquals("0-9", bands.get(ApiKey.JOIN_GROUP.id));
        assertEquals("0-6", bands.get(ApiKey.FIND_COORDINATOR.id));
        assertEquals("0-5", bands.get(ApiKey.INIT_PRODUCER_ID.id));
    }

    @Test
    void produceV0ToV2AreAdvertisedButRefusedByClosingAsKafkaDoes() throws Exception {
        for (int version = 0; version <= 2; version++) {
            try (Socket s = connect()) {
                ProtocolWriter w = new ProtocolWriter();
                new WireHeader(ApiKey.PRODUCE, version, ++correlationId, "old").write(w);
                w.writeInt16(1).writeInt32(1000).writeInt32(0); // acks, timeout, no topics (the v0-2 layout)
                send(s, w);
                assertClosed(s, "Produce v" + version);
            }
        }
    }

    @Test
    void topicsProduceFetchAndOffsetsAtTheOldestVersions() throws Exception {
        CreateTopicsResponse created = call(ApiKey.CREATE_TOPICS, 2, new CreateTopicsRequest(List.of(
            new CreateTopicsRequest.CreatableTopic("old-topic", 1, (short) 1, List.of(), List.of())), 30_000, false));
        assertEquals(Errors.NONE.code, created.topics().get(0).errorCode());

        MetadataResponse all = call(ApiKey.METADATA, 0, new MetadataRequest(List.of(), true, false, false));
        assertTrue(all.topics().stream().anyMatch(t -> t.name().equals("old-topic")), "v0: empty list = all topics");
        MetadataResponse allV1 = call(ApiKey.METADATA, 1, new MetadataRequest(null, true, false, false));
        assertTrue(allV1.topics().stream().anyMatch(t -> t.name().equals("old-topic")), "v1: null = all topics");

        for (int version : new int[] {3, 7}) {
            ProduceResponse produced = call(ApiKey.PRODUCE, version, new ProduceRequest(null, (short) 1, 30_000,
                List.of(new ProduceRequest.TopicProduceData("old-topic", NO_ID, List.of(
                    new ProduceRequest.PartitionProduceData(0, batch("v" + version)))))));
            ProduceResponse.PartitionProduceResponse p = produced.responses().get(0).partitionResponses().get(0);
            assertEquals(Errors.NONE.code, p.errorCode(), "Produce v" + version);
            assertEquals(version == 3 ? 0 : 1, p.baseOffset());
        }

        FetchResponse fetched = call(ApiKey.FETCH, 4, fetch((byte) 0));
        FetchResponse.PartitionData data = fetched.responses().get(0).partitions().get(0);
        assertEquals(Errors.NONE.code, data.errorCode());
        assertEquals(2, data.highWatermark());
        assertTrue(data.records().sizeInBytes() > 0, "Fetch v4 returns the batches");
        assertNull(data.abortedTransactions(), "read_uncommitted: no aborted list");
        FetchResponse committed = call(ApiKey.FETCH, 11, fetch((byte) 1));
        assertEquals(List.of(), committed.responses().get(0).partitions().get(0).abortedTransactions(),
            "read_committed: an empty aborted list, nothing is aborted");

        ListOffsetsResponse latest = call(ApiKey.LIST_OFFSETS, 1, new ListOffsetsRequest(-1, (byte) 0, List.of(
            new ListOffsetsRequest.ListOffsetsTopic("old-topic", List.of(
                new ListOffsetsRequest.ListOffsetsPartition(0, -1, -1L)))), 0));
        assertEquals(2, latest.topics().get(0).partitions().get(0).offset());
        assertEquals(-1, latest.topics().get(0).partitions().get(0).leaderEpoch(), "v1 has no leader epoch");

        DescribeConfigsResponse configs = call(ApiKey.DESCRIBE_CONFIGS, 1, new DescribeConfigsRequest(List.of(
            new DescribeConfigsRequest.DescribeConfigsResource((byte) 2, "old-topic", null)), false, false));
        assertEquals(Errors.NONE.code, configs.results().get(0).errorCode());
        assertFalse(configs.results().get(0).configs().isEmpty());

        CreatePartitionsResponse grown = call(ApiKey.CREATE_PARTITIONS, 0, new CreatePartitionsRequest(List.of(
            new CreatePartitionsRequest.CreatePartitionsTopic("old-topic", 2, null)), 30_000, false));
        assertEquals(Errors.NONE.code, grown.results().get(0).errorCode());

        InitProducerIdResponse pid = call(ApiKey.INIT_PRODUCER_ID, 0,
            InitProducerIdRequest.builder().transactionalId(null).transactionTimeoutMs(60_000).build());
        assertEquals(Errors.NONE.code, pid.errorCode());
        assertTrue(pid.producerId() >= 0);

        DeleteTopicsResponse deleted = call(ApiKey.DELETE_TOPICS, 1,
            new DeleteTopicsRequest(List.of(), List.of("old-topic"), 30_000));
        assertEquals("old-topic", deleted.responses().get(0).name());
        assertEquals(Errors.NONE.code, deleted.responses().get(0).errorCode());
    }

    @Test
    void everyServedVersionOfTheDataPathRoundTrips() throws Exception {
        CreateTopicsResponse created = call(ApiKey.CREATE_TOPICS, 7, new CreateTopicsRequest(List.of(
            new CreateTopicsRequest.CreatableTopic("every", 1, (short) 1, List.of(), List.of())), 30_000, false));
        UUID id = created.topics().get(0).topicId();
        for (int v = ApiKey.METADATA.servedMinVersion; v <= ApiKey.METADATA.servedMaxVersion; v++) {
            MetadataResponse m = call(ApiKey.METADATA, v, new MetadataRequest(List.of(
                new MetadataRequest.MetadataRequestTopic(NO_ID, "every")), v < 4, false, false)); // v0-3: always true
            assertEquals(Errors.NONE.code, m.topics().get(0).errorCode(), "Metadata v" + v);
            assertEquals(1, m.topics().get(0).partitions().size(), "Metadata v" + v);
        }
        int produced = 0;
        for (int v = ApiKey.PRODUCE.servedMinVersion; v <= ApiKey.PRODUCE.servedMaxVersion; v++) {
            ProduceResponse r = call(ApiKey.PRODUCE, v, new ProduceRequest(null, (short) -1, 30_000, List.of(
                new ProduceRequest.TopicProduceData(v >= 13 ? "" : "every", v >= 13 ? id : NO_ID, List.of(
                    new ProduceRequest.PartitionProduceData(0, batch("p" + v)))))));
            ProduceResponse.PartitionProduceResponse p = r.responses().get(0).partitionResponses().get(0);
            assertEquals(Errors.NONE.code, p.errorCode(), "Produce v" + v);
            assertEquals(produced++, p.baseOffset(), "Produce v" + v);
        }
        for (int v = ApiKey.FETCH.servedMinVersion; v <= ApiKey.FETCH.servedMaxVersion; v++) {
            FetchRequest request = FetchRequest.builder().replicaId(-1).maxWaitMs(0).minBytes(1)
                .maxBytes(1 << 20).topics(List.of(new FetchRequest.FetchTopic(v >= 13 ? "" : "every",
                    v >= 13 ? id : NO_ID, List.of(FetchRequest.FetchPartition.builder().partition(0).fetchOffset(0)
                        .partitionMaxBytes(1 << 20).build())))).build();
            FetchResponse.PartitionData d = ((FetchResponse) call(ApiKey.FETCH, v, request)).responses().get(0)
                .partitions().get(0);
            assertEquals(Errors.NONE.code, d.errorCode(), "Fetch v" + v);
            assertEquals(produced, d.highWatermark(), "Fetch v" + v);
            assertTrue(d.records().sizeInBytes() > 0, "Fetch v" + v);
        }
        for (int v = ApiKey.LIST_OFFSETS.servedMinVersion; v <= ApiKey.LIST_OFFSETS.servedMaxVersion; v++) {
            ListOffsetsResponse r = call(ApiKey.LIST_OFFSETS, v, new ListOffsetsRequest(-1, (byte) 0, List.of(
                new ListOffsetsRequest.ListOffsetsTopic("every", List.of(
                    new ListOffsetsRequest.ListOffsetsPartition(0, -1, -1L)))), 0));
            assertEquals(produced, r.topics().get(0).partitions().get(0).offset(), "ListOffsets v" + v);
        }
        for (int v = ApiKey.API_VERSIONS.servedMinVersion; v <= ApiKey.API_VERSIONS.servedMaxVersion; v++) {
            ApiVersionsResponse r = call(ApiKey.API_VERSIONS, v, new ApiVersionsRequest(v >= 3 ? "raw" : "",
                v >= 3 ? "1" : ""));
            assertEquals(ApiKey.values().length, r.apiKeys().size(), "ApiVersions v" + v);
        }
    }

    @Test
    void everyServedVersionOfTheAdminAndOffsetApisRoundTrips() throws Exception {
        for (int v = ApiKey.CREATE_TOPICS.servedMinVersion; v <= ApiKey.CREATE_TOPICS.servedMaxVersion; v++) {
            CreateTopicsResponse r = call(ApiKey.CREATE_TOPICS, v, new CreateTopicsRequest(List.of(
                new CreateTopicsRequest.CreatableTopic("admin-" + v, 1, (short) 1, List.of(), List.of())), 30_000, false));
            assertEquals(Errors.NONE.code, r.topics().get(0).errorCode(), "CreateTopics v" + v);
        }
        for (int v = ApiKey.DESCRIBE_CONFIGS.servedMinVersion; v <= ApiKey.DESCRIBE_CONFIGS.servedMaxVersion; v++) {
            DescribeConfigsResponse r = call(ApiKey.DESCRIBE_CONFIGS, v, new DescribeConfigsRequest(List.of(
                new DescribeConfigsRequest.DescribeConfigsResource((byte) 2, "admin-2", null)), v >= 1, v >= 3));
            assertEquals(Errors.NONE.code, r.results().get(0).errorCode(), "DescribeConfigs v" + v);
        }
        for (int v = ApiKey.CREATE_PARTITIONS.servedMinVersion; v <= ApiKey.CREATE_PARTITIONS.servedMaxVersion; v++) {
            CreatePartitionsResponse r = call(ApiKey.CREATE_PARTITIONS, v, new CreatePartitionsRequest(List.of(
                new CreatePartitionsRequest.CreatePartitionsTopic("admin-3", 2 + v, null)), 30_000, false));
            assertEquals(Errors.NONE.code, r.results().get(0).errorCode(), "CreatePartitions v" + v);
        }
        for (int v = ApiKey.INIT_PRODUCER_ID.servedMinVersion; v <= ApiKey.INIT_PRODUCER_ID.servedMaxVersion; v++) {
            InitProducerIdResponse r = call(ApiKey.INIT_PRODUCER_ID, v,
                InitProducerIdRequest.builder().transactionalId(null).transactionTimeoutMs(60_000).build());
            assertEquals(Errors.NONE.code, r.errorCode(), "InitProducerId v" + v);
        }
        String group = "offsets-only";
        awaitCoordinator(group);
        for (int v = ApiKey.OFFSET_COMMIT.servedMinVersion; v <= ApiKey.OFFSET_COMMIT.servedMaxVersion; v++) {
            UUID id = v >= 10 ? topicId("admin-4") : NO_ID;
            OffsetCommitResponse r = call(ApiKey.OFFSET_COMMIT, v, new OffsetCommitRequest(group, -1, "", null, -1L,
                List.of(new OffsetCommitRequest.OffsetCommitRequestTopic(v >= 10 ? "" : "admin-4", id, List.of(
                    new OffsetCommitRequest.OffsetCommitRequestPartition(0, 100L + v, -1, null))))));
            assertEquals(Errors.NONE.code, r.topics().get(0).partitions().get(0).errorCode(), "OffsetCommit v" + v);
        }
        for (int v = ApiKey.OFFSET_FETCH.servedMinVersion; v <= ApiKey.OFFSET_FETCH.servedMaxVersion; v++) {
            UUID id = v >= 10 ? topicId("admin-4") : NO_ID;
            OffsetFetchRequest request = v < 8
                ? new OffsetFetchRequest(group, List.of(new OffsetFetchRequest.OffsetFetchRequestTopic("admin-4",
                    List.of(0))), List.of(), false)
                : OffsetFetchRequest.builder().groups(List.of(new OffsetFetchRequest.OffsetFetchRequestGroup(group,
                    null, -1, List.of(new OffsetFetchRequest.OffsetFetchRequestTopics(v >= 10 ? "" : "admin-4", id,
                        List.of(0)))))).build();
            OffsetFetchResponse r = call(ApiKey.OFFSET_FETCH, v, request);
            long offset = v < 8 ? r.topics().get(0).partitions().get(0).committedOffset()
                : r.groups().get(0).topics().get(0).partitions().get(0).committedOffset();
            assertEquals(110L, offset, "OffsetFetch v" + v);
        }
        for (int v = ApiKey.DESCRIBE_GROUPS.servedMinVersion; v <= ApiKey.DESCRIBE_GROUPS.servedMaxVersion; v++) {
            DescribeGroupsResponse r = call(ApiKey.DESCRIBE_GROUPS, v, new DescribeGroupsRequest(List.of(group), false));
            assertEquals("Empty", r.groups().get(0).groupState(), "DescribeGroups v" + v);
        }
        for (int v = ApiKey.LIST_GROUPS.servedMinVersion; v <= ApiKey.LIST_GROUPS.servedMaxVersion; v++) {
            ListGroupsResponse r = call(ApiKey.LIST_GROUPS, v, new ListGroupsRequest(List.of(), List.of()));
            assertTrue(r.groups().stream().anyMatch(g -> g.groupId().equals(group)), "ListGroups v" + v);
        }
        for (int v = ApiKey.DELETE_GROUPS.servedMinVersion; v <= ApiKey.DELETE_GROUPS.servedMaxVersion; v++) {
            DeleteGroupsResponse r = call(ApiKey.DELETE_GROUPS, v, new DeleteGroupsRequest(List.of(group)));
            assertEquals(v == 0 ? Errors.NONE.code : Errors.GROUP_ID_NOT_FOUND.code, r.results().get(0).errorCode(),
                "DeleteGroups v" + v);
        }
        for (int v = ApiKey.DELETE_TOPICS.servedMinVersion; v <= ApiKey.DELETE_TOPICS.servedMaxVersion; v++) {
            String name = "admin-" + (v + 1);
            DeleteTopicsRequest request = v >= 6
                ? new DeleteTopicsRequest(List.of(new DeleteTopicsRequest.DeleteTopicState(name, NO_ID)), List.of(), 30_000)
                : new DeleteTopicsRequest(List.of(), List.of(name), 30_000);
            DeleteTopicsResponse r = call(ApiKey.DELETE_TOPICS, v, request);
            assertEquals(Errors.NONE.code, r.responses().get(0).errorCode(), "DeleteTopics v" + v);
        }
    }

    @Test
    void everyServedVersionOfTheGroupMembershipApisRoundTrips() throws Exception {
        for (int v = ApiKey.JOIN_GROUP.servedMinVersion; v <= ApiKey.JOIN_GROUP.servedMaxVersion; v++) {
            String group = "members-v" + v;
            awaitCoordinator(group);
            JoinGroupRequest join = new JoinGroupRequest(group, 10_000, v >= 1 ? 10_000 : -1, "", null, "consumer",
                List.of(new JoinGroupRequest.JoinGroupRequestProtocol("range", new byte[] {1})), null);
            JoinGroupResponse joined = call(ApiKey.JOIN_GROUP, v, join);
            if (v >= 4) { // the two-step join: first the member id
                assertEquals(Errors.MEMBER_ID_REQUIRED.code, joined.errorCode(), "JoinGroup v" + v);
                joined = call(ApiKey.JOIN_GROUP, v, join.toBuilder().memberId(joined.memberId()).build());
            }
            assertEquals(Errors.NONE.code, joined.errorCode(), "JoinGroup v" + v);
            assertEquals(1, joined.members().size(), "JoinGroup v" + v + ": the leader learns the members");
            String member = joined.memberId();
            int sync = Math.min(v, ApiKey.SYNC_GROUP.servedMaxVersion);
            SyncGroupResponse synced = call(ApiKey.SYNC_GROUP, sync, new SyncGroupRequest(group, 1, member, null,
                sync >= 5 ? "consumer" : null, sync >= 5 ? "range" : null,
                List.of(new SyncGroupRequest.SyncGroupRequestAssignment(member, new byte[] {9}))));
            assertEquals(Errors.NONE.code, synced.errorCode(), "SyncGroup v" + sync);
            int beat = Math.min(v, ApiKey.HEARTBEAT.servedMaxVersion);
            HeartbeatResponse beaten = call(ApiKey.HEARTBEAT, beat, new HeartbeatRequest(group, 1, member, null));
            assertEquals(Errors.NONE.code, beaten.errorCode(), "Heartbeat v" + beat);
            int leave = Math.min(v, ApiKey.LEAVE_GROUP.servedMaxVersion);
            LeaveGroupRequest leaving = leave >= 3
                ? new LeaveGroupRequest(group, "", List.of(new LeaveGroupRequest.MemberIdentity(member, null, null)))
                : new LeaveGroupRequest(group, member, List.of());
            LeaveGroupResponse left = call(ApiKey.LEAVE_GROUP, leave, leaving);
            assertEquals(Errors.NONE.code, left.errorCode(), "LeaveGroup v" + leave);
            if (leave >= 3) {
                assertEquals(Errors.NONE.code, left.members().get(0).errorCode(), "LeaveGroup v" + leave);
            }
        }
    }

    private UUID topicId(String name) throws IOException {
        MetadataResponse m = call(ApiKey.METADATA, 12, new MetadataRequest(List.of(
            new MetadataRequest.MetadataRequestTopic(NO_ID, name)), false, false, false));
        return m.topics().get(0).topicId();
    }

    /**
     * Waits (bounded) until FindCoordinator v0 names a coordinator for {@code group} (the offsets topic is
     * created on first use), checks every later version names it too, and returns the v0 answer.
     */
    private FindCoordinatorResponse awaitCoordinator(String group) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            FindCoordinatorResponse r = call(ApiKey.FIND_COORDINATOR, 0, FindCoordinatorRequest.builder().key(group)
                .build());
            if (r.errorCode() == Errors.NONE.code) {
                for (int v = 1; v <= ApiKey.FIND_COORDINATOR.servedMaxVersion; v++) {
                    FindCoordinatorResponse at = call(ApiKey.FIND_COORDINATOR, v, FindCoordinatorRequest.builder()
                        .key(v < 4 ? group : "").coordinatorKeys(v >= 4 ? List.of(group) : List.of()).build());
                    assertEquals(Errors.NONE.code, v < 4 ? at.errorCode() : at.coordinators().get(0).errorCode(),
                        "FindCoordinator v" + v);
                }
                return r;
            }
            Thread.sleep(100); // integration test: bounded polling of a real node
        }
        return fail("no coordinator for " + group);
    }

    @Test
    void aConsumerGroupAtTheOldestVersions() throws Exception {
        call(ApiKey.CREATE_TOPICS, 2, new CreateTopicsRequest(List.of(
            new CreateTopicsRequest.CreatableTopic("grouped", 1, (short) 1, List.of(), List.of())), 30_000, false));
        String group = "old-group";
        FindCoordinatorResponse coordinator = awaitCoordinator(group);
        assertEquals(Errors.NONE.code, coordinator.errorCode(), "FindCoordinator v0, single key at top level");
        assertEquals(port, coordinator.port());

        // v0: no rebalance timeout, and no MEMBER_ID_REQUIRED round (that starts at v4)
        JoinGroupResponse joined = call(ApiKey.JOIN_GROUP, 0, new JoinGroupRequest(group, 10_000, -1, "", null,
            "consumer", List.of(new JoinGroupRequest.JoinGroupRequestProtocol("range", new byte[] {1})), null));
        assertEquals(Errors.NONE.code, joined.errorCode());
        assertEquals(1, joined.generationId());
        assertEquals("range", joined.protocolName());
        assertEquals(joined.memberId(), joined.leader());
        String member = joined.memberId();

        SyncGroupResponse synced = call(ApiKey.SYNC_GROUP, 0, new SyncGroupRequest(group, 1, member, null, null, null,
            List.of(new SyncGroupRequest.SyncGroupRequestAssignment(member, new byte[] {7}))));
        assertEquals(Errors.NONE.code, synced.errorCode());
        assertEquals(1, synced.assignment().length);

        HeartbeatResponse beat = call(ApiKey.HEARTBEAT, 0, new HeartbeatRequest(group, 1, member, null));
        assertEquals(Errors.NONE.code, beat.errorCode());

        OffsetCommitResponse commit = call(ApiKey.OFFSET_COMMIT, 2, new OffsetCommitRequest(group, 1, member, null,
            -1L, List.of(new OffsetCommitRequest.OffsetCommitRequestTopic("grouped", NO_ID, List.of(
                new OffsetCommitRequest.OffsetCommitRequestPartition(0, 42L, -1, "m"))))));
        assertEquals(Errors.NONE.code, commit.topics().get(0).partitions().get(0).errorCode());

        OffsetFetchResponse offsets = call(ApiKey.OFFSET_FETCH, 1, new OffsetFetchRequest(group, List.of(
            new OffsetFetchRequest.OffsetFetchRequestTopic("grouped", List.of(0))), List.of(), false));
        assertEquals(42L, offsets.topics().get(0).partitions().get(0).committedOffset(), "OffsetFetch v1");

        DescribeGroupsResponse described = call(ApiKey.DESCRIBE_GROUPS, 0, new DescribeGroupsRequest(List.of(group),
            false));
        assertEquals("Stable", described.groups().get(0).groupState());
        assertEquals(1, described.groups().get(0).members().size());

        ListGroupsResponse listed = call(ApiKey.LIST_GROUPS, 0, new ListGroupsRequest(List.of(), List.of()));
        assertTrue(listed.groups().stream().anyMatch(g -> g.groupId().equals(group)));

        LeaveGroupResponse left = call(ApiKey.LEAVE_GROUP, 0, new LeaveGroupRequest(group, member, List.of()));
        assertEquals(Errors.NONE.code, left.errorCode(), "LeaveGroup v0: one member id, top-level error");

        DeleteGroupsResponse gone = call(ApiKey.DELETE_GROUPS, 0, new DeleteGroupsRequest(List.of(group)));
        assertEquals(Errors.NONE.code, gone.results().get(0).errorCode());
    }

    private static FetchRequest fetch(byte isolationLevel) {
        return FetchRequest.builder().replicaId(-1).maxWaitMs(0).minBytes(1).maxBytes(1 << 20)
            .isolationLevel(isolationLevel).topics(List.of(new FetchRequest.FetchTopic("old-topic", NO_ID, List.of(
                FetchRequest.FetchPartition.builder().partition(0).fetchOffset(0).partitionMaxBytes(1 << 20).build()))))
            .build();
    }

    private static Records batch(String value) {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
            new SimpleRecord(value.getBytes(StandardCharsets.UTF_8)));
        return Records.of(records.buffer());
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s;
    }

    private static void send(Socket s, ProtocolWriter w) throws IOException {
        ByteBuffer b = w.toByteBuffer();
        s.getOutputStream().write(ByteBuffer.allocate(4 + b.remaining()).putInt(b.remaining()).put(b).array());
    }

    /** One request at {@code version} on a fresh connection; the answer decoded at the same version. */
    @SuppressWarnings("unchecked")
    private <R extends GeneratedMessage> R call(ApiKey key, int version, GeneratedMessage body) throws IOException {
        WireHeader header = new WireHeader(key, version, ++correlationId, "old-client");
        ProtocolWriter w = new ProtocolWriter();
        header.write(w);
        body.write(w, (short) version);
        try (Socket s = connect()) {
            send(s, w);
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] frame = new byte[in.readInt()];
            in.readFully(frame);
            ProtocolReader r = new ProtocolReader(ByteBuffer.wrap(frame));
            assertEquals(header.correlationId(), header.readResponseHeader(r, (short) version));
            GeneratedMessage response = ApiMessageType.readResponse(key.id, r, (short) version);
            r.expectEnd();
            assertNotNull(response);
            return (R) response;
        }
    }

    private static void assertClosed(Socket s, String what) throws IOException {
        try {
            if (s.getInputStream().read() != -1) {
                fail(what + ": the broker answered instead of closing");
            }
        } catch (EOFException | SocketException e) {
            // closed (or reset) by the broker
        }
    }
}
