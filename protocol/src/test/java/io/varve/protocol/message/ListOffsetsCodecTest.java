package io.varve.protocol.message;

import static io.varve.protocol.message.DataPathOracle.checkBothWays;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaRead;
import static io.varve.protocol.message.KafkaCodecOracle.varveBytes;
import static io.varve.protocol.message.KafkaCodecOracle.varveRead;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import java.util.List;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;

class ListOffsetsCodecTest {

    static ListOffsetsRequestData kafkaRequest() {
        return new ListOffsetsRequestData().setReplicaId(-1).setIsolationLevel((byte) 1).setTopics(List.of(
                new ListOffsetsRequestData.ListOffsetsTopic().setName("orders").setPartitions(List.of(
                        new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setCurrentLeaderEpoch(5)
                                .setTimestamp(ListOffsetsRequest.EARLIEST_TIMESTAMP),
                        new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(1).setCurrentLeaderEpoch(6)
                                .setTimestamp(1_700_000_000_000L))),
                new ListOffsetsRequestData.ListOffsetsTopic().setName("payments").setPartitions(List.of(
                        new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(9)
                                .setTimestamp(ListOffsetsRequest.MAX_TIMESTAMP)))));
    }

    static ListOffsetsResponseData kafkaResponse() {
        return new ListOffsetsResponseData().setThrottleTimeMs(33).setTopics(List.of(
                new ListOffsetsResponseData.ListOffsetsTopicResponse().setName("orders").setPartitions(List.of(
                        new ListOffsetsResponseData.ListOffsetsPartitionResponse().setPartitionIndex(0)
                                .setErrorCode((short) 0).setTimestamp(1_700_000_000_000L).setOffset(1234L)
                                .setLeaderEpoch(5),
                        new ListOffsetsResponseData.ListOffsetsPartitionResponse().setPartitionIndex(1)
                                .setErrorCode(Errors.FENCED_LEADER_EPOCH.code).setTimestamp(-1L).setOffset(-1L)
                                .setLeaderEpoch(-1)))));
    }

    @Test
    void requestMatchesKafkaAtEveryAdvertisedVersion() {
        for (short v = ApiKey.LIST_OFFSETS.minVersion; v <= ApiKey.LIST_OFFSETS.maxVersion; v++) {
            checkBothWays(kafkaRequest(), v, ListOffsetsRequest::read, ListOffsetsRequestData::new,
                    ListOffsetsCodecTest::sameFields);
        }
    }

    @Test
    void responseMatchesKafkaAtEveryAdvertisedVersion() {
        for (short v = ApiKey.LIST_OFFSETS.minVersion; v <= ApiKey.LIST_OFFSETS.maxVersion; v++) {
            checkBothWays(kafkaResponse(), v, ListOffsetsResponse::read, ListOffsetsResponseData::new,
                    ListOffsetsCodecTest::sameFields);
        }
    }

    @Test
    void unknownTaggedFieldsAreSkipped() {
        ListOffsetsRequestData theirs = kafkaRequest();
        theirs.unknownTaggedFields().add(new RawTaggedField(0, new byte[] {1, 2, 3, 4}));
        theirs.topics().get(0).partitions().get(1).unknownTaggedFields().add(new RawTaggedField(2, new byte[] {5}));
        ListOffsetsRequest ours = varveRead(kafkaBytes(theirs, (short) 9), (short) 9, ListOffsetsRequest::read);
        assertEquals(1_700_000_000_000L, ours.topics().get(0).partitions().get(1).timestamp());
    }

    @Test
    void errorResponseReportsTheErrorForEveryPartition() {
        ListOffsetsRequest request = varveRead(kafkaBytes(kafkaRequest(), (short) 6), (short) 6, ListOffsetsRequest::read);
        ListOffsetsResponseData theirs = kafkaRead(varveBytes(request.errorResponse(Errors.NOT_LEADER_OR_FOLLOWER),
                (short) 6), (short) 6, ListOffsetsResponseData::new);
        assertEquals(List.of("orders", "payments"), theirs.topics().stream().map(t -> t.name()).toList());
        assertEquals(List.of(0, 1), theirs.topics().get(0).partitions().stream().map(p -> p.partitionIndex()).toList());
        theirs.topics().forEach(t -> t.partitions().forEach(p -> {
            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code, p.errorCode());
            assertEquals(-1L, p.offset());
        }));
    }

    static void sameFields(ListOffsetsRequestData k, ListOffsetsRequest o) {
        assertEquals(k.replicaId(), o.replicaId());
        assertEquals(k.isolationLevel(), o.isolationLevel());
        assertEquals(k.topics().stream().map(t -> new ListOffsetsRequest.ListOffsetsTopic(t.name(),
                t.partitions().stream().map(p -> new ListOffsetsRequest.ListOffsetsPartition(p.partitionIndex(),
                        p.currentLeaderEpoch(), p.timestamp())).toList())).toList(), o.topics());
    }

    static void sameFields(ListOffsetsResponseData k, ListOffsetsResponse o) {
        assertEquals(k.throttleTimeMs(), o.throttleTimeMs());
        assertEquals(k.topics().stream().map(t -> new ListOffsetsResponse.ListOffsetsTopicResponse(t.name(),
                t.partitions().stream().map(p -> new ListOffsetsResponse.ListOffsetsPartitionResponse(
                        p.partitionIndex(), p.errorCode(), p.timestamp(), p.offset(), p.leaderEpoch())).toList()))
                .toList(), o.topics());
    }
}
