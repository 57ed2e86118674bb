package io.varve.broker.group;

import static io.varve.broker.replica.ReplicaFixture.NODE_ID;
import static io.varve.broker.replica.ReplicaFixture.OTHER_NODE;
import static io.varve.broker.replica.ReplicaFixture.partitionRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.network.RequestContext;
import io.varve.broker.network.RequestHeader;
import io.varve.broker.replica.Partition;
import io.varve.broker.replica.ReplicaFixture;
import io.varve.common.TopicPartition;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.FindCoordinatorRequest;
import io.varve.protocol.generated.FindCoordinatorResponse;
import io.varve.protocol.generated.JoinGroupRequest;
import io.varve.protocol.generated.JoinGroupResponse;
import io.varve.protocol.generated.OffsetCommitRequest;
import io.varve.protocol.generated.OffsetCommitResponse;
import io.varve.protocol.generated.OffsetFetchRequest;
import io.varve.protocol.generated.OffsetFetchResponse;
import io.varve.raft.metadata.MetadataRecord;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's thread over real {@code __consumer_offsets} logs: groups are served only where
 * this node leads their partition, commits land in the log and come back after a restart, and a
 * partition whose leadership moves away has its groups dropped.
 */
class GroupCoordinatorServiceTest {

    /** OffsetCommit v9, the newest by topic name (v10 names topics by id), as these requests are built. */
    private static final short OFFSET_COMMIT_BY_NAME = 9;
    /** OffsetFetch v9, the newest by topic name (v10 names topics by id). */
    private static final short OFFSET_FETCH_V9 = 9;

    private static final GroupCoordinatorConfig CONFIG = GroupCoordinatorConfig.from(Map.of(
        GroupCoordinatorConfig.OFFSETS_TOPIC_NUM_PARTITIONS, 2, GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, 0,
        GroupCoordinatorConfig.GROUP_MIN_SESSION_TIMEOUT_MS, 1000));

    @TempDir
    Path dir;
    private ReplicaFixture fixture;
    private GroupCoordinatorService service;
    private UUID topicId;
    /** A group in partition 0 (led here) and one in partition 1 (led by the other node). */
    private final String local = groupIn(0);
    private final String remote = groupIn(1);

    private static String groupIn(int partition) {
        for (int i = 0; ; i++) {
            if (OffsetsTopic.partitionFor("group-" + i, 2) == partition) {
                return "group-" + i;
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        fixture = ReplicaFixture.open(dir);
        topicId = UUID.randomUUID();
        fixture.publish(new MetadataRecord.RegisterBroker(OTHER_NODE, "127.0.0.2", 9093, null),
            new MetadataRecord.Topic(OffsetsTopic.NAME, topicId), partitionRecord(topicId, 0, NODE_ID, 0),
            partitionRecord(topicId, 1, OTHER_NODE, 0));
        service = startService();
    }

    private GroupCoordinatorService startService() {
        GroupCoordinatorService s = new GroupCoordinatorService(NODE_ID, CONFIG, fixture.replicas(), null,
            fixture.clock());
        s.onImage(fixture.image());
        return s;
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
        fixture.close();
    }

    @SuppressWarnings("unchecked")
    private <R extends GeneratedMessage> R call(GeneratedMessage request, short version) throws Exception {
        return (R) send(request, version).get(10, TimeUnit.SECONDS);
    }

    private CompletableFuture<GeneratedMessage> send(GeneratedMessage request, short version) {
        CompletableFuture<GeneratedMessage> answer = new CompletableFuture<>();
        RequestContext context = new RequestContext(1, "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555),
            new RequestHeader(io.varve.protocol.ApiKey.forId(request.apiKey()), version, 1, "client"), 0);
        service.handle(context, request, answer::complete);
        return answer;
    }

    private static OffsetCommitRequest commitRequest(String group, long offset) {
        return new OffsetCommitRequest(group, -1, "", null, -1L, List.of(new OffsetCommitRequest.OffsetCommitRequestTopic(
            "orders", new java.util.UUID(0L, 0L), List.of(new OffsetCommitRequest.OffsetCommitRequestPartition(0, offset, -1, null)))));
    }

    private short commit(String group, long offset) throws Exception {
        return commitError(call(commitRequest(group, offset), OFFSET_COMMIT_BY_NAME));
    }

    private static short commitError(GeneratedMessage response) {
        return ((OffsetCommitResponse) response).topics().get(0).partitions().get(0).errorCode();
    }

    /**
     * Sends a commit while {@code __consumer_offsets-0} has a follower in its ISR, and returns its answer
     * once the coordinator has certainly written it: a later request on the same single thread came back.
     */
    private CompletableFuture<GeneratedMessage> commitWithAFollowerInSync(long offset) throws Exception {
        fixture.registerOtherNode();
        service.onImage(fixture.publish(new MetadataRecord.Partition(topicId, 0, new int[] {NODE_ID, OTHER_NODE},
            new int[] {NODE_ID, OTHER_NODE}, NODE_ID, 0, 1)));
        CompletableFuture<GeneratedMessage> answer = send(commitRequest(local, offset), OFFSET_COMMIT_BY_NAME);
        fetch(local); // served after the commit by the same thread
        return answer;
    }

    private Partition offsetsPartition() {
        return fixture.replicas().partition(new TopicPartition(OffsetsTopic.NAME, 0));
    }

    /** Issue 11, defect 3: a commit acknowledged before replication is lost if the coordinator's node fails. */
    @Test
    void aCommitIsAnsweredOnlyOnceEveryInSyncReplicaHasIt() throws Exception {
        CompletableFuture<GeneratedMessage> answer = commitWithAFollowerInSync(42);

        assertFalse(answer.isDone(), "written to the leader's log only: not acknowledged yet");
        Partition offsets = offsetsPartition();
        assertTrue(offsets.logEndOffset() > offsets.highWatermark());
        fixture.replicas().onFollowerFetch(offsets, OTHER_NODE, offsets.logEndOffset()); // the follower has it

        assertEquals(Errors.NONE.code, commitError(answer.get(10, TimeUnit.SECONDS)));
    }

    @Test
    void aCommitNotReplicatedWithinTheTimeoutIsAnsweredRetriably() throws Exception {
        CompletableFuture<GeneratedMessage> answer = commitWithAFollowerInSync(42);
        fixture.clock().advanceMs(CONFIG.offsetsCommitTimeoutMs());
        fetch(local); // a turn of the loop after the deadline

        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE.code, commitError(answer.get(10, TimeUnit.SECONDS)));
    }

    @Test
    void aCommitWhosePartitionIsLedElsewhereBeforeItIsReplicatedIsAnsweredNotCoordinator() throws Exception {
        CompletableFuture<GeneratedMessage> answer = commitWithAFollowerInSync(42);
        service.onImage(fixture.publish(new MetadataRecord.Partition(topicId, 0, new int[] {NODE_ID, OTHER_NODE},
            new int[] {OTHER_NODE}, OTHER_NODE, 1, 2)));

        assertEquals(Errors.NOT_COORDINATOR.code, commitError(answer.get(10, TimeUnit.SECONDS)));
    }

    private OffsetFetchResponse.OffsetFetchResponseGroup fetch(String group) throws Exception {
        OffsetFetchResponse r = call(new OffsetFetchRequest(null, List.of(), List.of(new OffsetFetchRequest.OffsetFetchRequestGroup(group, null, -1,
            null)), false), OFFSET_FETCH_V9);
        return r.groups().get(0);
    }

    @Test
    void fromVersion10OffsetsAreCommittedAndFetchedByTopicIdAndAnUnknownIdIsReported() throws Exception {
        UUID unknown = UUID.randomUUID();
        OffsetCommitRequest byId = new OffsetCommitRequest(local, -1, "", null, -1L, List.of(
            new OffsetCommitRequest.OffsetCommitRequestTopic("", topicId, List.of(
                new OffsetCommitRequest.OffsetCommitRequestPartition(0, 42L, -1, null))),
            new OffsetCommitRequest.OffsetCommitRequestTopic("", unknown, List.of(
                new OffsetCommitRequest.OffsetCommitRequestPartition(0, 7L, -1, null)))));
        OffsetCommitResponse committed = call(byId, (short) 10);
        assertEquals(topicId, committed.topics().get(0).topicId());
        assertEquals(Errors.NONE.code, committed.topics().get(0).partitions().get(0).errorCode());
        assertEquals(unknown, committed.topics().get(1).topicId());
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code, committed.topics().get(1).partitions().get(0).errorCode());

        OffsetFetchResponse fetched = call(new OffsetFetchRequest(null, List.of(), List.of(
            new OffsetFetchRequest.OffsetFetchRequestGroup(local, null, -1, List.of(
                new OffsetFetchRequest.OffsetFetchRequestTopics("", topicId, List.of(0)),
                new OffsetFetchRequest.OffsetFetchRequestTopics("", unknown, List.of(0))))), false), (short) 10);
        List<OffsetFetchResponse.OffsetFetchResponseTopics> topics = fetched.groups().get(0).topics();
        assertEquals(2, topics.size());
        assertEquals(topicId, topics.get(0).topicId());
        assertEquals(42L, topics.get(0).partitions().get(0).committedOffset());
        assertEquals(unknown, topics.get(1).topicId());
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code, topics.get(1).partitions().get(0).errorCode());
    }

    @Test
    void groupsAreServedWhereTheirPartitionIsLedAndFoundWhereverItIs() throws Exception {
        assertEquals(Errors.NONE.code, commit(local, 42));
        assertEquals(42, fetch(local).topics().get(0).partitions().get(0).committedOffset());
        assertEquals(Errors.NOT_COORDINATOR.code, commit(remote, 1));
        assertEquals(Errors.NOT_COORDINATOR.code, fetch(remote).errorCode());

        FindCoordinatorResponse found = call(new FindCoordinatorRequest("", (byte) 0,
            List.of(local, remote)), (short) 4);
        assertEquals(NODE_ID, found.coordinators().get(0).nodeId());
        assertEquals(9091, found.coordinators().get(0).port());
        assertEquals(OTHER_NODE, found.coordinators().get(1).nodeId());
        assertEquals("127.0.0.2", found.coordinators().get(1).host());

        JoinGroupRequest join = new JoinGroupRequest(local, 5000, 5000, "", null, "consumer",
            List.of(new JoinGroupRequest.JoinGroupRequestProtocol("range", new byte[] {1})), null);
        JoinGroupResponse first = call(join, ApiKey.JOIN_GROUP.servedMaxVersion);
        assertEquals(Errors.MEMBER_ID_REQUIRED.code, first.errorCode());
        assertEquals("client-", first.memberId().substring(0, 7));
    }

    /** The simulation's seam: no thread, requests served only by doWork, member ids from the caller. */
    @Test
    void aDrivenCoordinatorServesOnlyWhenItsCallerDrivesIt() throws Exception {
        assertThrows(IllegalStateException.class, service::doWork, "a threaded coordinator is not driven");
        service.close();
        service = GroupCoordinatorService.driven(NODE_ID, CONFIG, fixture.replicas(), null, fixture.clock(),
            () -> "fixed");
        CompletableFuture<GeneratedMessage> commit = send(commitRequest(local, 7), OFFSET_COMMIT_BY_NAME);
        CompletableFuture<GeneratedMessage> join = send(new JoinGroupRequest(local, 5000, 5000, "", null, "consumer",
            List.of(new JoinGroupRequest.JoinGroupRequestProtocol("range", new byte[] {1})), null),
            ApiKey.JOIN_GROUP.servedMaxVersion);
        assertFalse(commit.isDone(), "queued: no thread serves it");

        assertEquals(2, service.doWork());

        assertEquals(Errors.NONE.code, commitError(commit.getNow(null)));
        assertEquals("client-fixed", ((JoinGroupResponse) join.getNow(null)).memberId());
    }

    @Test
    void committedOffsetsComeBackAfterARestart() throws Exception {
        assertEquals(Errors.NONE.code, commit(local, 42));
        assertEquals(Errors.NONE.code, commit(local, 43));
        service.close();
        fixture.restartWith(fixture.image());
        service = startService();
        assertEquals(43, fetch(local).topics().get(0).partitions().get(0).committedOffset());
    }

    @Test
    void aPartitionLedElsewhereNowHasItsGroupsDropped() throws Exception {
        assertEquals(Errors.NONE.code, commit(local, 42));
        service.onImage(fixture.publish(partitionRecord(topicId, 0, OTHER_NODE, 1)));
        assertEquals(Errors.NOT_COORDINATOR.code, fetch(local).errorCode());
    }
}
