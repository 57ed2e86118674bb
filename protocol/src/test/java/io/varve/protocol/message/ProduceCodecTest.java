package io.varve.protocol.message;

import static io.varve.protocol.message.DataPathOracle.bytes;
import static io.varve.protocol.message.DataPathOracle.checkBothWays;
import static io.varve.protocol.message.DataPathOracle.kafkaRecords;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaRead;
import static io.varve.protocol.message.KafkaCodecOracle.varveBytes;
import static io.varve.protocol.message.KafkaCodecOracle.varveRead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.Records;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;

class ProduceCodecTest {

    static ProduceRequestData kafkaRequest() {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName("orders").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(3).setRecords(kafkaRecords(0, "a", "bb", "ccc")),
                new ProduceRequestData.PartitionProduceData().setIndex(7).setRecords(null))));
        topics.add(new ProduceRequestData.TopicProduceData().setName("payments").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(kafkaRecords(0, "x")))));
        return new ProduceRequestData().setTransactionalId("txn-42").setAcks((short) -1).setTimeoutMs(30_000)
                .setTopicData(topics);
    }

    static ProduceResponseData kafkaResponse(short version) {
        ProduceResponseData.PartitionProduceResponse ok = new ProduceResponseData.PartitionProduceResponse()
                .setIndex(3).setErrorCode((short) 0).setBaseOffset(1_000L).setLogAppendTimeMs(1_700_000_000_123L)
                .setLogStartOffset(12L).setErrorMessage(null);
        ProduceResponseData.PartitionProduceResponse failed = new ProduceResponseData.PartitionProduceResponse()
                .setIndex(7).setErrorCode(Errors.INVALID_RECORD.code).setBaseOffset(-1L).setLogAppendTimeMs(-1L)
                .setLogStartOffset(5L).setErrorMessage("bad record")
                .setRecordErrors(List.of(new ProduceResponseData.BatchIndexAndErrorMessage().setBatchIndex(2)
                                .setBatchIndexErrorMessage("null key in compacted topic"),
                        new ProduceResponseData.BatchIndexAndErrorMessage().setBatchIndex(4)));
        ProduceResponseData.TopicProduceResponseCollection topics = new ProduceResponseData.TopicProduceResponseCollection();
        topics.add(new ProduceResponseData.TopicProduceResponse().setName("orders").setPartitionResponses(List.of(ok, failed)));
        ProduceResponseData data = new ProduceResponseData().setResponses(topics).setThrottleTimeMs(250);
        if (version >= 10) {
            ok.setCurrentLeader(new ProduceResponseData.LeaderIdAndEpoch().setLeaderId(2).setLeaderEpoch(19));
            ProduceResponseData.NodeEndpointCollection endpoints = new ProduceResponseData.NodeEndpointCollection();
            endpoints.add(new ProduceResponseData.NodeEndpoint().setNodeId(2).setHost("b2.varve").setPort(9092).setRack("r1"));
            endpoints.add(new ProduceResponseData.NodeEndpoint().setNodeId(3).setHost("b3.varve").setPort(9093));
            data.setNodeEndpoints(endpoints);
        }
        return data;
    }

    @Test
    void requestMatchesKafkaAtEveryAdvertisedVersion() {
        for (short v = ApiKey.PRODUCE.minVersion; v <= ApiKey.PRODUCE.maxVersion; v++) {
            checkBothWays(kafkaRequest(), v, ProduceRequest::read, ProduceRequestData::new, ProduceCodecTest::sameFields);
        }
    }

    @Test
    void responseMatchesKafkaAtEveryAdvertisedVersion() {
        for (short v = ApiKey.PRODUCE.minVersion; v <= ApiKey.PRODUCE.maxVersion; v++) {
            ProduceResponse ours = checkBothWays(kafkaResponse(v), v, ProduceResponse::read, ProduceResponseData::new,
                    ProduceCodecTest::sameFields);
            assertEquals(v >= 10, ours.responses().get(0).partitions().get(0).currentLeader().isKnown(), "v" + v);
        }
    }

    @Test
    void unknownTaggedFieldsAreSkippedAndLeaderTagsAreUnknownInV9() {
        ProduceResponseData theirs = kafkaResponse((short) 10);
        theirs.unknownTaggedFields().add(new RawTaggedField(5, new byte[] {1, 2, 3}));
        theirs.responses().iterator().next().unknownTaggedFields().add(new RawTaggedField(0, new byte[] {9}));
        ProduceResponse ours = varveRead(kafkaBytes(theirs, (short) 10), (short) 10, ProduceResponse::read);
        assertEquals(2, ours.nodeEndpoints().size());

        // In v9 tag 0 means nothing: both the partition and top-level tag 0 are skipped.
        ProduceResponseData v9 = kafkaResponse((short) 9);
        v9.unknownTaggedFields().add(new RawTaggedField(0, new byte[] {1, 2, 3}));
        v9.responses().iterator().next().partitionResponses().get(0).unknownTaggedFields()
                .add(new RawTaggedField(0, new byte[] {4}));
        ProduceResponse old = varveRead(kafkaBytes(v9, (short) 9), (short) 9, ProduceResponse::read);
        assertTrue(old.nodeEndpoints().isEmpty());
        assertEquals(LeaderIdAndEpoch.UNKNOWN, old.responses().get(0).partitions().get(0).currentLeader());
    }

    @Test
    void errorResponseReportsTheErrorForEveryPartition() {
        ProduceRequest request = varveRead(kafkaBytes(kafkaRequest(), (short) 12), (short) 12, ProduceRequest::read);
        ProduceResponse response = request.errorResponse(Errors.NOT_LEADER_OR_FOLLOWER);
        ProduceResponseData theirs = kafkaRead(varveBytes(response, (short) 12), (short) 12, ProduceResponseData::new);
        int partitions = 0;
        for (ProduceResponseData.TopicProduceResponse topic : theirs.responses()) {
            for (ProduceResponseData.PartitionProduceResponse p : topic.partitionResponses()) {
                assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code, p.errorCode());
                assertEquals(-1L, p.baseOffset());
                partitions++;
            }
        }
        assertEquals(List.of("orders", "payments"), theirs.responses().stream().map(t -> t.name()).toList());
        assertEquals(3, partitions);
    }

    @Test
    void recordsAreReadAsSlicesOfTheFrame() {
        ProduceRequest request = varveRead(kafkaBytes(kafkaRequest(), (short) 9), (short) 9, ProduceRequest::read);
        Records records = request.topics().get(0).partitions().get(0).records();
        assertTrue(((Records.BufferRecords) records).buffer().isReadOnly());
    }

    static void sameFields(ProduceRequestData k, ProduceRequest o) {
        assertEquals(k.transactionalId(), o.transactionalId());
        assertEquals(k.acks(), o.acks());
        assertEquals(k.timeoutMs(), o.timeoutMs());
        assertEquals(k.topicData().size(), o.topics().size());
        Iterator<ProduceRequestData.TopicProduceData> topics = k.topicData().iterator();
        for (ProduceRequest.TopicData ot : o.topics()) {
            ProduceRequestData.TopicProduceData kt = topics.next();
            assertEquals(kt.name(), ot.name());
            assertEquals(kt.partitionData().size(), ot.partitions().size());
            for (int i = 0; i < ot.partitions().size(); i++) {
                assertEquals(kt.partitionData().get(i).index(), ot.partitions().get(i).index());
                assertEquals(bytes(kt.partitionData().get(i).records()), bytes(ot.partitions().get(i).records()));
            }
        }
    }

    static void sameFields(ProduceResponseData k, ProduceResponse o) {
        assertEquals(k.throttleTimeMs(), o.throttleTimeMs());
        assertEquals(k.responses().size(), o.responses().size());
        Iterator<ProduceResponseData.TopicProduceResponse> topics = k.responses().iterator();
        for (ProduceResponse.TopicResponse ot : o.responses()) {
            ProduceResponseData.TopicProduceResponse kt = topics.next();
            assertEquals(kt.name(), ot.name());
            assertEquals(kt.partitionResponses().size(), ot.partitions().size());
            for (int i = 0; i < ot.partitions().size(); i++) {
                ProduceResponseData.PartitionProduceResponse kp = kt.partitionResponses().get(i);
                ProduceResponse.PartitionResponse op = ot.partitions().get(i);
                assertEquals(kp.index(), op.index());
                assertEquals(kp.errorCode(), op.errorCode());
                assertEquals(kp.baseOffset(), op.baseOffset());
                assertEquals(kp.logAppendTimeMs(), op.logAppendTimeMs());
                assertEquals(kp.logStartOffset(), op.logStartOffset());
                assertEquals(kp.recordErrors().stream().map(e -> new ProduceResponse.BatchIndexAndErrorMessage(
                        e.batchIndex(), e.batchIndexErrorMessage())).toList(), op.recordErrors());
                assertEquals(kp.errorMessage(), op.errorMessage());
                assertEquals(new LeaderIdAndEpoch(kp.currentLeader().leaderId(), kp.currentLeader().leaderEpoch()),
                        op.currentLeader());
            }
        }
        assertEquals(k.nodeEndpoints().stream().map(e -> new NodeEndpoint(e.nodeId(), e.host(), e.port(), e.rack()))
                .toList(), o.nodeEndpoints());
    }
}
