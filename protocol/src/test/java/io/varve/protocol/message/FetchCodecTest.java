package io.varve.protocol.message;

import static io.varve.protocol.message.DataPathOracle.bytes;
import static io.varve.protocol.message.DataPathOracle.checkBothWays;
import static io.varve.protocol.message.DataPathOracle.kafkaRecords;
import static io.varve.protocol.message.DataPathOracle.uuid;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaRead;
import static io.varve.protocol.message.KafkaCodecOracle.varveBytes;
import static io.varve.protocol.message.KafkaCodecOracle.varveRead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;

class FetchCodecTest {

    static final Uuid ORDERS_ID = new Uuid(0x1122_3344_5566_7788L, 0x99AA_BBCC_DDEE_FF00L);
    static final Uuid PAYMENTS_ID = new Uuid(7L, 9L);

    static FetchRequestData kafkaRequest(short version) {
        FetchRequestData.FetchTopic orders = new FetchRequestData.FetchTopic().setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setCurrentLeaderEpoch(5).setFetchOffset(100L)
                        .setLastFetchedEpoch(4).setLogStartOffset(10L).setPartitionMaxBytes(1 << 20),
                new FetchRequestData.FetchPartition().setPartition(2).setCurrentLeaderEpoch(6).setFetchOffset(7L)
                        .setLastFetchedEpoch(6).setLogStartOffset(0L).setPartitionMaxBytes(4096)));
        FetchRequestData.ForgottenTopic forgotten = new FetchRequestData.ForgottenTopic().setPartitions(List.of(1, 3, 5));
        if (version <= 12) {
            orders.setTopic("orders");
            forgotten.setTopic("payments");
        } else {
            orders.setTopicId(ORDERS_ID);
            forgotten.setTopicId(PAYMENTS_ID);
        }
        FetchRequestData data = new FetchRequestData().setClusterId("varve-cluster-1").setMaxWaitMs(500)
                .setMinBytes(1).setMaxBytes(50 << 20).setIsolationLevel((byte) 1).setSessionId(77).setSessionEpoch(3)
                .setTopics(List.of(orders)).setForgottenTopicsData(List.of(forgotten)).setRackId("rack-a");
        if (version <= 14) {
            data.setReplicaId(2);
        } else {
            data.setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(2).setReplicaEpoch(123_456L));
        }
        return data;
    }

    static FetchResponseData kafkaResponse(short version) {
        FetchResponseData.PartitionData withData = new FetchResponseData.PartitionData().setPartitionIndex(0)
                .setErrorCode((short) 0).setHighWatermark(1_000L).setLastStableOffset(990L).setLogStartOffset(10L)
                .setAbortedTransactions(List.of(new FetchResponseData.AbortedTransaction().setProducerId(42L)
                        .setFirstOffset(950L)))
                .setPreferredReadReplica(3).setRecords(kafkaRecords(100L, "one", "two"))
                .setSnapshotId(new FetchResponseData.SnapshotId().setEndOffset(90L).setEpoch(2));
        FetchResponseData.PartitionData diverged = new FetchResponseData.PartitionData().setPartitionIndex(2)
                .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code).setHighWatermark(-1L).setLastStableOffset(-1L)
                .setLogStartOffset(-1L).setAbortedTransactions(null).setPreferredReadReplica(-1).setRecords(null)
                .setDivergingEpoch(new FetchResponseData.EpochEndOffset().setEpoch(5).setEndOffset(80L))
                .setCurrentLeader(new FetchResponseData.LeaderIdAndEpoch().setLeaderId(4).setLeaderEpoch(7));
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse()
                .setPartitions(List.of(withData, diverged));
        if (version <= 12) {
            topic.setTopic("orders");
        } else {
            topic.setTopicId(ORDERS_ID);
        }
        FetchResponseData data = new FetchResponseData().setThrottleTimeMs(20).setErrorCode((short) 0).setSessionId(77)
                .setResponses(List.of(topic));
        if (version >= 16) {
            FetchResponseData.NodeEndpointCollection endpoints = new FetchResponseData.NodeEndpointCollection();
            endpoints.add(new FetchResponseData.NodeEndpoint().setNodeId(4).setHost("b4.varve").setPort(9094)
                    .setRack("r2"));
            data.setNodeEndpoints(endpoints);
        }
        return data;
    }

    @Test
    void requestMatchesKafkaAtEveryAdvertisedVersion() {
        for (short v = ApiKey.FETCH.minVersion; v <= ApiKey.FETCH.maxVersion; v++) {
            FetchRequest ours = checkBothWays(kafkaRequest(v), v, FetchRequest::read, FetchRequestData::new,
                    FetchCodecTest::sameFields);
            assertEquals(2, ours.replicaId(), "the follower id, from the field or from ReplicaState, v" + v);
        }
    }

    @Test
    void requestWithoutOptionalTagsMatchesKafka() {
        for (short v = ApiKey.FETCH.minVersion; v <= ApiKey.FETCH.maxVersion; v++) {
            FetchRequestData consumer = kafkaRequest(v).setClusterId(null).setReplicaId(-1)
                    .setReplicaState(new FetchRequestData.ReplicaState());
            FetchRequest ours = checkBothWays(consumer, v, FetchRequest::read, FetchRequestData::new,
                    FetchCodecTest::sameFields);
            assertNull(ours.clusterId());
            assertEquals(-1, ours.replicaId());
        }
    }

    @Test
    void responseMatchesKafkaAtEveryAdvertisedVersion() {
        for (short v = ApiKey.FETCH.minVersion; v <= ApiKey.FETCH.maxVersion; v++) {
            FetchResponse ours = checkBothWays(kafkaResponse(v), v, FetchResponse::read, FetchResponseData::new,
                    FetchCodecTest::sameFields);
            assertEquals(v >= 16 ? 1 : 0, ours.nodeEndpoints().size());
        }
    }

    @Test
    void unknownTaggedFieldsAreSkipped() {
        FetchRequestData request = kafkaRequest((short) 16);
        request.unknownTaggedFields().add(new RawTaggedField(9, new byte[] {1, 2}));
        request.topics().get(0).partitions().get(0).unknownTaggedFields().add(new RawTaggedField(0, new byte[16]));
        FetchRequest ours = varveRead(kafkaBytes(request, (short) 16), (short) 16, FetchRequest::read);
        assertEquals(123_456L, ours.replicaEpoch());

        FetchResponseData response = kafkaResponse((short) 15);
        response.unknownTaggedFields().add(new RawTaggedField(0, new byte[] {1}));
        response.responses().get(0).partitions().get(0).unknownTaggedFields().add(new RawTaggedField(3, new byte[3]));
        FetchResponse old = varveRead(kafkaBytes(response, (short) 15), (short) 15, FetchResponse::read);
        assertTrue(old.nodeEndpoints().isEmpty(), "tag 0 means nothing before v16");
        assertEquals(new FetchResponse.SnapshotId(90L, 2), old.responses().get(0).partitions().get(0).snapshotId());
    }

    @Test
    void errorResponseReportsTheErrorAtTheTopAndForEveryPartition() {
        for (short v : new short[] {12, 16}) {
            FetchRequest request = varveRead(kafkaBytes(kafkaRequest(v), v), v, FetchRequest::read);
            FetchResponse response = request.errorResponse(Errors.UNKNOWN_TOPIC_ID);
            FetchResponseData theirs = kafkaRead(varveBytes(response, v), v, FetchResponseData::new);
            assertEquals(Errors.UNKNOWN_TOPIC_ID.code, theirs.errorCode());
            assertEquals(77, theirs.sessionId());
            FetchResponseData.FetchableTopicResponse topic = theirs.responses().get(0);
            assertEquals(v <= 12 ? "orders" : "", topic.topic());
            assertEquals(v <= 12 ? Uuid.ZERO_UUID : ORDERS_ID, topic.topicId());
            assertEquals(List.of(0, 2), topic.partitions().stream().map(p -> p.partitionIndex()).toList());
            topic.partitions().forEach(p -> assertEquals(Errors.UNKNOWN_TOPIC_ID.code, p.errorCode()));
        }
    }

    static void sameFields(FetchRequestData k, FetchRequest o) {
        assertEquals(k.clusterId(), o.clusterId());
        boolean replicaState = k.replicaState().replicaId() != -1 || k.replicaState().replicaEpoch() != -1L;
        assertEquals(replicaState ? k.replicaState().replicaId() : k.replicaId(), o.replicaId());
        assertEquals(k.replicaState().replicaEpoch(), o.replicaEpoch());
        assertEquals(k.maxWaitMs(), o.maxWaitMs());
        assertEquals(k.minBytes(), o.minBytes());
        assertEquals(k.maxBytes(), o.maxBytes());
        assertEquals(k.isolationLevel(), o.isolationLevel());
        assertEquals(k.sessionId(), o.sessionId());
        assertEquals(k.sessionEpoch(), o.sessionEpoch());
        assertEquals(k.rackId(), o.rackId());
        assertEquals(k.topics().size(), o.topics().size());
        for (int t = 0; t < o.topics().size(); t++) {
            FetchRequestData.FetchTopic kt = k.topics().get(t);
            FetchRequest.FetchTopic ot = o.topics().get(t);
            assertEquals(kt.topic(), ot.topic());
            assertEquals(uuid(kt.topicId()), ot.topicId());
            assertEquals(kt.partitions().stream().map(p -> new FetchRequest.FetchPartition(p.partition(),
                    p.currentLeaderEpoch(), p.fetchOffset(), p.lastFetchedEpoch(), p.logStartOffset(),
                    p.partitionMaxBytes())).toList(), ot.partitions());
        }
        assertEquals(k.forgottenTopicsData().stream().map(f -> new FetchRequest.ForgottenTopic(f.topic(),
                uuid(f.topicId()), f.partitions())).toList(), o.forgottenTopicsData());
    }

    static void sameFields(FetchResponseData k, FetchResponse o) {
        assertEquals(k.throttleTimeMs(), o.throttleTimeMs());
        assertEquals(k.errorCode(), o.errorCode());
        assertEquals(k.sessionId(), o.sessionId());
        assertEquals(k.responses().size(), o.responses().size());
        for (int t = 0; t < o.responses().size(); t++) {
            FetchResponseData.FetchableTopicResponse kt = k.responses().get(t);
            FetchResponse.FetchableTopicResponse ot = o.responses().get(t);
            assertEquals(kt.topic(), ot.topic());
            assertEquals(uuid(kt.topicId()), ot.topicId());
            assertEquals(kt.partitions().size(), ot.partitions().size());
            for (int i = 0; i < ot.partitions().size(); i++) {
                samePartition(kt.partitions().get(i), ot.partitions().get(i));
            }
        }
        assertEquals(k.nodeEndpoints().stream().map(e -> new NodeEndpoint(e.nodeId(), e.host(), e.port(), e.rack()))
                .toList(), o.nodeEndpoints());
    }

    static void samePartition(FetchResponseData.PartitionData kp, FetchResponse.PartitionData op) {
        assertEquals(kp.partitionIndex(), op.partitionIndex());
        assertEquals(kp.errorCode(), op.errorCode());
        assertEquals(kp.highWatermark(), op.highWatermark());
        assertEquals(kp.lastStableOffset(), op.lastStableOffset());
        assertEquals(kp.logStartOffset(), op.logStartOffset());
        assertEquals(new FetchResponse.EpochEndOffset(kp.divergingEpoch().epoch(), kp.divergingEpoch().endOffset()),
                op.divergingEpoch());
        assertEquals(new LeaderIdAndEpoch(kp.currentLeader().leaderId(), kp.currentLeader().leaderEpoch()),
                op.currentLeader());
        assertEquals(new FetchResponse.SnapshotId(kp.snapshotId().endOffset(), kp.snapshotId().epoch()),
                op.snapshotId());
        assertEquals(kp.abortedTransactions() == null ? null : kp.abortedTransactions().stream()
                .map(a -> new FetchResponse.AbortedTransaction(a.producerId(), a.firstOffset())).toList(),
                op.abortedTransactions());
        assertEquals(kp.preferredReadReplica(), op.preferredReadReplica());
        assertEquals(bytes(kp.records()), bytes(op.records()));
    }
}
