package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;

/** Decodes request and response bodies by API key: the one place that maps a key to its codec. */
public final class ApiMessages {

    private ApiMessages() {
    }

    /** Reads a request body; the whole frame must be consumed. */
    public static ApiRequest readRequest(ApiKey key, ProtocolReader r, short version) {
        ApiRequest request = switch (key) {
            case PRODUCE -> ProduceRequest.read(r, version);
            case FETCH -> FetchRequest.read(r, version);
            case LIST_OFFSETS -> ListOffsetsRequest.read(r, version);
            case METADATA -> MetadataRequest.read(r, version);
            case API_VERSIONS -> ApiVersionsRequest.read(r, version);
            case CREATE_TOPICS -> CreateTopicsRequest.read(r, version);
            case DELETE_TOPICS -> DeleteTopicsRequest.read(r, version);
            case INIT_PRODUCER_ID -> InitProducerIdRequest.read(r, version);
            case DESCRIBE_CONFIGS -> DescribeConfigsRequest.read(r, version);
            case CREATE_PARTITIONS -> CreatePartitionsRequest.read(r, version);
            case DESCRIBE_CLUSTER -> DescribeClusterRequest.read(r, version);
            case OFFSET_COMMIT -> OffsetCommitRequest.read(r, version);
            case OFFSET_FETCH -> OffsetFetchRequest.read(r, version);
            case FIND_COORDINATOR -> FindCoordinatorRequest.read(r, version);
            case JOIN_GROUP -> JoinGroupRequest.read(r, version);
            case HEARTBEAT -> HeartbeatRequest.read(r, version);
            case LEAVE_GROUP -> LeaveGroupRequest.read(r, version);
            case SYNC_GROUP -> SyncGroupRequest.read(r, version);
            case DESCRIBE_GROUPS -> DescribeGroupsRequest.read(r, version);
            case LIST_GROUPS -> ListGroupsRequest.read(r, version);
            case DELETE_GROUPS -> DeleteGroupsRequest.read(r, version);
            default -> throw new IllegalStateException("no codec yet for " + key);
        };
        r.expectEnd();
        return request;
    }

    /** Reads a response body; the whole frame must be consumed. */
    public static ApiResponse readResponse(ApiKey key, ProtocolReader r, short version) {
        ApiResponse response = switch (key) {
            case PRODUCE -> ProduceResponse.read(r, version);
            case FETCH -> FetchResponse.read(r, version);
            case LIST_OFFSETS -> ListOffsetsResponse.read(r, version);
            case METADATA -> MetadataResponse.read(r, version);
            case API_VERSIONS -> ApiVersionsResponse.read(r, version);
            case CREATE_TOPICS -> CreateTopicsResponse.read(r, version);
            case DELETE_TOPICS -> DeleteTopicsResponse.read(r, version);
            case INIT_PRODUCER_ID -> InitProducerIdResponse.read(r, version);
            case DESCRIBE_CONFIGS -> DescribeConfigsResponse.read(r, version);
            case CREATE_PARTITIONS -> CreatePartitionsResponse.read(r, version);
            case DESCRIBE_CLUSTER -> DescribeClusterResponse.read(r, version);
            case OFFSET_COMMIT -> OffsetCommitResponse.read(r, version);
            case OFFSET_FETCH -> OffsetFetchResponse.read(r, version);
            case FIND_COORDINATOR -> FindCoordinatorResponse.read(r, version);
            case JOIN_GROUP -> JoinGroupResponse.read(r, version);
            case HEARTBEAT -> HeartbeatResponse.read(r, version);
            case LEAVE_GROUP -> LeaveGroupResponse.read(r, version);
            case SYNC_GROUP -> SyncGroupResponse.read(r, version);
            case DESCRIBE_GROUPS -> DescribeGroupsResponse.read(r, version);
            case LIST_GROUPS -> ListGroupsResponse.read(r, version);
            case DELETE_GROUPS -> DeleteGroupsResponse.read(r, version);
            default -> throw new IllegalStateException("no codec yet for " + key);
        };
        r.expectEnd();
        return response;
    }
}
