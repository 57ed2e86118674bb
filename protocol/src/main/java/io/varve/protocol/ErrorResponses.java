package io.varve.protocol;

import io.varve.protocol.generated.ApiVersionsResponse;
import io.varve.protocol.generated.CreatePartitionsRequest;
import io.varve.protocol.generated.CreatePartitionsResponse;
import io.varve.protocol.generated.CreateTopicsRequest;
import io.varve.protocol.generated.CreateTopicsResponse;
import io.varve.protocol.generated.DeleteGroupsRequest;
import io.varve.protocol.generated.DeleteGroupsResponse;
import io.varve.protocol.generated.DeleteTopicsRequest;
import io.varve.protocol.generated.DeleteTopicsResponse;
import io.varve.protocol.generated.DescribeClusterRequest;
import io.varve.protocol.generated.DescribeClusterResponse;
import io.varve.protocol.generated.DescribeConfigsRequest;
import io.varve.protocol.generated.DescribeConfigsResponse;
import io.varve.protocol.generated.DescribeGroupsRequest;
import io.varve.protocol.generated.DescribeGroupsResponse;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;
import io.varve.protocol.generated.FindCoordinatorRequest;
import io.varve.protocol.generated.FindCoordinatorResponse;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.HeartbeatResponse;
import io.varve.protocol.generated.InitProducerIdResponse;
import io.varve.protocol.generated.JoinGroupRequest;
import io.varve.protocol.generated.JoinGroupResponse;
import io.varve.protocol.generated.LeaveGroupResponse;
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
import io.varve.protocol.generated.SyncGroupResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Kafka's answer to a request the broker cannot serve at all: the response that reports one error for
 * everything the request asked about (every topic, partition, group or resource named in it), shaped
 * for the version the request came in at (Kafka's {@code AbstractRequest.getErrorResponse}, per API).
 * Stateless and thread-safe.
 */
public final class ErrorResponses {

    /** Kafka's "authorized operations not computed" marker. */
    public static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    private ErrorResponses() {
    }

    /**
     * The response to {@code request}, received at {@code version}, that reports {@code error} for all
     * it names.
     *
     * @throws IllegalArgumentException for an API Varve does not serve
     */
    public static GeneratedMessage of(GeneratedMessage request, short version, Errors error) {
        switch (request.apiKey()) {
            case 0: return produce((ProduceRequest) request, error);
            case 1: return fetch((FetchRequest) request, error);
            case 2: return listOffsets((ListOffsetsRequest) request, error);
            case 3: return metadata((MetadataRequest) request, error);
            case 8: return offsetCommit((OffsetCommitRequest) request, error);
            case 9: return offsetFetch((OffsetFetchRequest) request, version, error);
            case 10: return findCoordinator((FindCoordinatorRequest) request, version, error);
            case 11: return JoinGroupResponse.builder().errorCode(error.code).generationId(-1)
                    .protocolName(version >= 7 ? null : "").leader("")
                    .memberId(((JoinGroupRequest) request).memberId()).build();
            case 12: return new HeartbeatResponse(0, error.code);
            case 13: return new LeaveGroupResponse(0, error.code, List.of());
            case 14: return new SyncGroupResponse(0, error.code, null, null, new byte[0]);
            case 15: return describeGroups((DescribeGroupsRequest) request, error);
            case 16: return new ListGroupsResponse(0, error.code, List.of());
            case 18: return ApiVersionsResponse.builder().errorCode(error.code).build();
            case 19: return createTopics((CreateTopicsRequest) request, error);
            case 20: return deleteTopics((DeleteTopicsRequest) request, version, error);
            case 22: return InitProducerIdResponse.builder().errorCode(error.code).build();
            case 32: return describeConfigs((DescribeConfigsRequest) request, error);
            case 37: return createPartitions((CreatePartitionsRequest) request, error);
            case 42: return deleteGroups((DeleteGroupsRequest) request, error);
            case 60: return DescribeClusterResponse.builder().errorCode(error.code)
                    .endpointType(((DescribeClusterRequest) request).endpointType()).clusterId("").controllerId(-1)
                    .clusterAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED).build();
            default: throw new IllegalArgumentException("no error response for API " + request.apiKey());
        }
    }

    private static ProduceResponse produce(ProduceRequest r, Errors error) {
        List<ProduceResponse.TopicProduceResponse> topics = new ArrayList<>(r.topicData().size());
        for (ProduceRequest.TopicProduceData t : r.topicData()) {
            List<ProduceResponse.PartitionProduceResponse> ps = new ArrayList<>(t.partitionData().size());
            for (ProduceRequest.PartitionProduceData p : t.partitionData()) {
                ps.add(produceError(p.index(), error));
            }
            topics.add(new ProduceResponse.TopicProduceResponse(t.name(), t.topicId(), ps));
        }
        return new ProduceResponse(topics, 0, List.of());
    }

    /** A Produce partition answer that carries only {@code error}. */
    public static ProduceResponse.PartitionProduceResponse produceError(int partition, Errors error) {
        return new ProduceResponse.PartitionProduceResponse(partition, error.code, -1L, -1L, -1L, List.of(), null,
                ProduceResponse.LeaderIdAndEpoch.DEFAULT);
    }

    private static FetchResponse fetch(FetchRequest r, Errors error) {
        List<FetchResponse.FetchableTopicResponse> topics = new ArrayList<>(r.topics().size());
        for (FetchRequest.FetchTopic t : r.topics()) {
            List<FetchResponse.PartitionData> ps = new ArrayList<>(t.partitions().size());
            for (FetchRequest.FetchPartition p : t.partitions()) {
                ps.add(fetchError(p.partition(), error));
            }
            topics.add(new FetchResponse.FetchableTopicResponse(t.topic(), t.topicId(), ps));
        }
        return new FetchResponse(0, error.code, r.sessionId(), topics, List.of());
    }

    /** A Fetch partition answer that carries only {@code error}: no records, offsets unknown. */
    public static FetchResponse.PartitionData fetchError(int partition, Errors error) {
        return new FetchResponse.PartitionData(partition, error.code, -1L, -1L, -1L,
                FetchResponse.EpochEndOffset.DEFAULT, FetchResponse.LeaderIdAndEpoch.DEFAULT,
                FetchResponse.SnapshotId.DEFAULT, List.of(), -1, null);
    }

    private static ListOffsetsResponse listOffsets(ListOffsetsRequest r, Errors error) {
        List<ListOffsetsResponse.ListOffsetsTopicResponse> topics = new ArrayList<>(r.topics().size());
        for (ListOffsetsRequest.ListOffsetsTopic t : r.topics()) {
            List<ListOffsetsResponse.ListOffsetsPartitionResponse> ps = new ArrayList<>(t.partitions().size());
            for (ListOffsetsRequest.ListOffsetsPartition p : t.partitions()) {
                ps.add(new ListOffsetsResponse.ListOffsetsPartitionResponse(p.partitionIndex(), error.code, -1L, -1L,
                        -1));
            }
            topics.add(new ListOffsetsResponse.ListOffsetsTopicResponse(t.name(), ps));
        }
        return new ListOffsetsResponse(0, topics);
    }

    private static MetadataResponse metadata(MetadataRequest r, Errors error) {
        List<MetadataResponse.MetadataResponseTopic> topics = new ArrayList<>();
        if (r.topics() != null) {
            for (MetadataRequest.MetadataRequestTopic t : r.topics()) {
                topics.add(new MetadataResponse.MetadataResponseTopic(error.code, t.name(), t.topicId(), false,
                        List.of(), AUTHORIZED_OPERATIONS_OMITTED));
            }
        }
        return new MetadataResponse(0, List.of(), null, -1, topics, AUTHORIZED_OPERATIONS_OMITTED, error.code);
    }

    private static OffsetCommitResponse offsetCommit(OffsetCommitRequest r, Errors error) {
        List<OffsetCommitResponse.OffsetCommitResponseTopic> topics = new ArrayList<>(r.topics().size());
        for (OffsetCommitRequest.OffsetCommitRequestTopic t : r.topics()) {
            List<OffsetCommitResponse.OffsetCommitResponsePartition> ps = new ArrayList<>(t.partitions().size());
            for (OffsetCommitRequest.OffsetCommitRequestPartition p : t.partitions()) {
                ps.add(new OffsetCommitResponse.OffsetCommitResponsePartition(p.partitionIndex(), error.code));
            }
            topics.add(new OffsetCommitResponse.OffsetCommitResponseTopic(t.name(), t.topicId(), ps));
        }
        return new OffsetCommitResponse(0, topics);
    }

    /**
     * OffsetFetch: from v8 one answer per group with the group's error; before v8 the single group's
     * error is top-level from v2 and, as Kafka does, also on every partition asked for (v0-1 have no
     * top-level error).
     */
    private static OffsetFetchResponse offsetFetch(OffsetFetchRequest r, short version, Errors error) {
        if (version >= 8) {
            List<OffsetFetchResponse.OffsetFetchResponseGroup> groups = new ArrayList<>(r.groups().size());
            for (OffsetFetchRequest.OffsetFetchRequestGroup g : r.groups()) {
                groups.add(new OffsetFetchResponse.OffsetFetchResponseGroup(g.groupId(), List.of(), error.code));
            }
            return new OffsetFetchResponse(0, List.of(), (short) 0, groups);
        }
        List<OffsetFetchResponse.OffsetFetchResponseTopic> topics = new ArrayList<>();
        if (r.topics() != null) {
            for (OffsetFetchRequest.OffsetFetchRequestTopic t : r.topics()) {
                List<OffsetFetchResponse.OffsetFetchResponsePartition> ps = new ArrayList<>();
                for (int p : t.partitionIndexes()) {
                    ps.add(new OffsetFetchResponse.OffsetFetchResponsePartition(p, -1L, -1, "", error.code));
                }
                topics.add(new OffsetFetchResponse.OffsetFetchResponseTopic(t.name(), ps));
            }
        }
        return new OffsetFetchResponse(0, topics, version >= 2 ? error.code : 0, List.of());
    }

    /** FindCoordinator: one coordinator per key from v4, the single key's answer at top level before. */
    private static FindCoordinatorResponse findCoordinator(FindCoordinatorRequest r, short version, Errors error) {
        if (version < 4) {
            return FindCoordinatorResponse.builder().errorCode(error.code).errorMessage(null)
                    .nodeId(-1).host("").port(-1).build();
        }
        List<FindCoordinatorResponse.Coordinator> out = new ArrayList<>(r.coordinatorKeys().size());
        for (String key : r.coordinatorKeys()) {
            out.add(new FindCoordinatorResponse.Coordinator(key, -1, "", -1, error.code, null));
        }
        return FindCoordinatorResponse.builder().coordinators(out).build();
    }

    private static DescribeGroupsResponse describeGroups(DescribeGroupsRequest r, Errors error) {
        List<DescribeGroupsResponse.DescribedGroup> out = new ArrayList<>(r.groups().size());
        for (String g : r.groups()) {
            out.add(describedGroupError(g, error));
        }
        return new DescribeGroupsResponse(0, out);
    }

    /** A DescribeGroups answer for one group that carries only {@code error}. */
    public static DescribeGroupsResponse.DescribedGroup describedGroupError(String groupId, Errors error) {
        return new DescribeGroupsResponse.DescribedGroup(error.code, null, groupId, "", "", "", List.of(),
                AUTHORIZED_OPERATIONS_OMITTED);
    }

    private static CreateTopicsResponse createTopics(CreateTopicsRequest r, Errors error) {
        List<CreateTopicsResponse.CreatableTopicResult> out = new ArrayList<>(r.topics().size());
        for (CreateTopicsRequest.CreatableTopic t : r.topics()) {
            out.add(createTopicError(t.name(), error, null));
        }
        return new CreateTopicsResponse(0, out);
    }

    /** A CreateTopics answer for one topic that carries only {@code error}. */
    public static CreateTopicsResponse.CreatableTopicResult createTopicError(String name, Errors error, String message) {
        return CreateTopicsResponse.CreatableTopicResult.builder().name(name).errorCode(error.code)
                .errorMessage(message).numPartitions(-1).replicationFactor((short) -1).configs(null).build();
    }

    /** DeleteTopics names its topics in {@code topicNames} before v6 and in {@code topics} from v6. */
    private static DeleteTopicsResponse deleteTopics(DeleteTopicsRequest r, short version, Errors error) {
        List<DeleteTopicsResponse.DeletableTopicResult> out = new ArrayList<>();
        if (version >= 6) {
            for (DeleteTopicsRequest.DeleteTopicState t : r.topics()) {
                out.add(new DeleteTopicsResponse.DeletableTopicResult(t.name(), t.topicId(), error.code, null));
            }
        } else {
            for (String name : r.topicNames()) {
                out.add(new DeleteTopicsResponse.DeletableTopicResult(name, new java.util.UUID(0L, 0L), error.code,
                        null));
            }
        }
        return new DeleteTopicsResponse(0, out);
    }

    private static DescribeConfigsResponse describeConfigs(DescribeConfigsRequest r, Errors error) {
        List<DescribeConfigsResponse.DescribeConfigsResult> out = new ArrayList<>(r.resources().size());
        for (DescribeConfigsRequest.DescribeConfigsResource res : r.resources()) {
            out.add(new DescribeConfigsResponse.DescribeConfigsResult(error.code, null, res.resourceType(),
                    res.resourceName(), List.of()));
        }
        return new DescribeConfigsResponse(0, out);
    }

    private static CreatePartitionsResponse createPartitions(CreatePartitionsRequest r, Errors error) {
        List<CreatePartitionsResponse.CreatePartitionsTopicResult> out = new ArrayList<>(r.topics().size());
        for (CreatePartitionsRequest.CreatePartitionsTopic t : r.topics()) {
            out.add(new CreatePartitionsResponse.CreatePartitionsTopicResult(t.name(), error.code, null));
        }
        return new CreatePartitionsResponse(0, out);
    }

    private static DeleteGroupsResponse deleteGroups(DeleteGroupsRequest r, Errors error) {
        List<DeleteGroupsResponse.DeletableGroupResult> out = new ArrayList<>(r.groupsNames().size());
        for (String g : r.groupsNames()) {
            out.add(new DeleteGroupsResponse.DeletableGroupResult(g, error.code));
        }
        return new DeleteGroupsResponse(0, out);
    }
}
