package io.varve.protocol.message;

import static io.varve.protocol.message.DataPathOracle.checkBothWays;
import static io.varve.protocol.message.DataPathOracle.uuid;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaRead;
import static io.varve.protocol.message.KafkaCodecOracle.varveBytes;
import static io.varve.protocol.message.KafkaCodecOracle.varveRead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;

class MetadataCodecTest {

    static final Uuid ORDERS_ID = new Uuid(0x0102_0304_0506_0708L, 0x1112_1314_1516_1718L);

    static MetadataRequestData kafkaRequest(short version) {
        List<MetadataRequestData.MetadataRequestTopic> topics = new ArrayList<>();
        topics.add(new MetadataRequestData.MetadataRequestTopic().setName("orders"));
        if (version >= 10) {
            topics.get(0).setTopicId(ORDERS_ID);
            topics.add(new MetadataRequestData.MetadataRequestTopic().setTopicId(new Uuid(5L, 6L)).setName(null));
        }
        return new MetadataRequestData().setTopics(topics).setAllowAutoTopicCreation(false)
                .setIncludeClusterAuthorizedOperations(version <= 10).setIncludeTopicAuthorizedOperations(true);
    }

    static MetadataResponseData kafkaResponse(short version) {
        MetadataResponseData.MetadataResponseBrokerCollection brokers = new MetadataResponseData.MetadataResponseBrokerCollection();
        brokers.add(new MetadataResponseData.MetadataResponseBroker().setNodeId(1).setHost("b1.varve").setPort(9092)
                .setRack("r1"));
        brokers.add(new MetadataResponseData.MetadataResponseBroker().setNodeId(2).setHost("b2.varve").setPort(9093)
                .setRack(null));
        MetadataResponseData.MetadataResponseTopicCollection topics = new MetadataResponseData.MetadataResponseTopicCollection();
        MetadataResponseData.MetadataResponseTopic orders = new MetadataResponseData.MetadataResponseTopic()
                .setErrorCode((short) 0).setName("orders").setIsInternal(true).setTopicAuthorizedOperations(0x0BF8)
                .setPartitions(List.of(new MetadataResponseData.MetadataResponsePartition().setErrorCode((short) 0)
                                .setPartitionIndex(0).setLeaderId(1).setLeaderEpoch(7).setReplicaNodes(List.of(1, 2, 3))
                                .setIsrNodes(List.of(1, 2)).setOfflineReplicas(List.of(3)),
                        new MetadataResponseData.MetadataResponsePartition()
                                .setErrorCode(Errors.LEADER_NOT_AVAILABLE.code).setPartitionIndex(1).setLeaderId(-1)
                                .setLeaderEpoch(-1).setReplicaNodes(List.of(2)).setIsrNodes(List.of())
                                .setOfflineReplicas(List.of())));
        topics.add(orders);
        MetadataResponseData data = new MetadataResponseData().setThrottleTimeMs(5).setBrokers(brokers)
                .setClusterId("varve-cluster-1").setControllerId(1).setTopics(topics);
        if (version >= 10) {
            orders.setTopicId(ORDERS_ID);
        }
        if (version >= 12) {
            topics.add(new MetadataResponseData.MetadataResponseTopic().setErrorCode(Errors.UNKNOWN_TOPIC_ID.code)
                    .setName(null).setTopicId(new Uuid(5L, 6L)).setPartitions(List.of()));
        }
        if (version <= 10) {
            data.setClusterAuthorizedOperations(0x0FF0);
        }
        if (version >= 13) {
            data.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code);
        }
        return data;
    }

    @Test
    void requestMatchesKafkaAtEveryAdvertisedVersion() {
        for (short v = ApiKey.METADATA.minVersion; v <= ApiKey.METADATA.maxVersion; v++) {
            checkBothWays(kafkaRequest(v), v, MetadataRequest::read, MetadataRequestData::new, MetadataCodecTest::sameFields);
            MetadataRequest all = checkBothWays(new MetadataRequestData().setTopics(null), v, MetadataRequest::read,
                    MetadataRequestData::new, MetadataCodecTest::sameFields);
            assertNull(all.topics(), "a null topic list asks for all topics");
        }
    }

    @Test
    void responseMatchesKafkaAtEveryAdvertisedVersion() {
        for (short v = ApiKey.METADATA.minVersion; v <= ApiKey.METADATA.maxVersion; v++) {
            checkBothWays(kafkaResponse(v), v, MetadataResponse::read, MetadataResponseData::new,
                    MetadataCodecTest::sameFields);
        }
    }

    @Test
    void aNullTopicNameBeforeItIsNullableIsMalformed() {
        // A v11 response whose one topic has a null name (compact length 0), written by hand: Kafka refuses to.
        ByteBuffer body = ByteBuffer.wrap(new byte[] {0, 0, 0, 0, /* brokers */ 1, /* cluster id */ 0,
            0, 0, 0, 1, /* topics */ 2, 0, 0, /* null name */ 0});
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> varveRead(body, (short) 11, MetadataResponse::read));
        assertEquals("non-nullable string was null", e.getMessage());
    }

    @Test
    void unknownTaggedFieldsAreSkipped() {
        MetadataResponseData theirs = kafkaResponse((short) 13);
        theirs.unknownTaggedFields().add(new RawTaggedField(1, new byte[] {1}));
        theirs.brokers().iterator().next().unknownTaggedFields().add(new RawTaggedField(0, new byte[] {2}));
        theirs.topics().iterator().next().partitions().get(0).unknownTaggedFields().add(new RawTaggedField(4, new byte[5]));
        MetadataResponse ours = varveRead(kafkaBytes(theirs, (short) 13), (short) 13, MetadataResponse::read);
        assertEquals(List.of(1, 2, 3), ours.topics().get(0).partitions().get(0).replicaNodes());
    }

    @Test
    void errorResponseReportsTheErrorForEveryTopic() {
        MetadataRequest request = varveRead(kafkaBytes(kafkaRequest((short) 13), (short) 13), (short) 13,
                MetadataRequest::read);
        MetadataResponseData theirs = kafkaRead(varveBytes(request.errorResponse(Errors.INVALID_REQUEST), (short) 13),
                (short) 13, MetadataResponseData::new);
        assertEquals(Errors.INVALID_REQUEST.code, theirs.errorCode());
        assertEquals(2, theirs.topics().size());
        theirs.topics().forEach(t -> assertEquals(Errors.INVALID_REQUEST.code, t.errorCode()));
        assertEquals(ORDERS_ID, theirs.topics().iterator().next().topicId());
    }

    static void sameFields(MetadataRequestData k, MetadataRequest o) {
        assertEquals(k.topics() == null ? null : k.topics().stream()
                .map(t -> new MetadataRequest.MetadataRequestTopic(uuid(t.topicId()), t.name())).toList(), o.topics());
        assertEquals(k.allowAutoTopicCreation(), o.allowAutoTopicCreation());
        assertEquals(k.includeClusterAuthorizedOperations(), o.includeClusterAuthorizedOperations());
        assertEquals(k.includeTopicAuthorizedOperations(), o.includeTopicAuthorizedOperations());
    }

    static void sameFields(MetadataResponseData k, MetadataResponse o) {
        assertEquals(k.throttleTimeMs(), o.throttleTimeMs());
        assertEquals(k.brokers().stream().map(b -> new NodeEndpoint(b.nodeId(), b.host(), b.port(), b.rack())).toList(),
                o.brokers());
        assertEquals(k.clusterId(), o.clusterId());
        assertEquals(k.controllerId(), o.controllerId());
        assertEquals(k.topics().stream().map(t -> new MetadataResponse.MetadataResponseTopic(t.errorCode(), t.name(),
                uuid(t.topicId()), t.isInternal(), t.partitions().stream().map(p -> new MetadataResponse
                        .MetadataResponsePartition(p.errorCode(), p.partitionIndex(), p.leaderId(), p.leaderEpoch(),
                        p.replicaNodes(), p.isrNodes(), p.offlineReplicas())).toList(),
                t.topicAuthorizedOperations())).toList(), o.topics());
        assertEquals(k.clusterAuthorizedOperations(), o.clusterAuthorizedOperations());
        assertEquals(k.errorCode(), o.errorCode());
    }
}
