package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * DescribeCluster response, v0-v2 (all flexible). v1 adds the endpoint type, v2 the fenced flag.
 *
 * <pre>
 *  throttle_time_ms int32 | error_code int16 | error_message nullable | endpoint_type int8 (v1+)
 *  cluster_id string | controller_id int32
 *  brokers [broker_id int32, host string, port int32, rack nullable, is_fenced bool (v2+)]
 *  cluster_authorized_operations int32
 * </pre>
 *
 * @param errorMessage                null when there is none
 * @param endpointType                v1+: 1 brokers, 2 controllers; 1 before v1
 * @param controllerId                -1 when unknown
 * @param clusterAuthorizedOperations bit field of ACL operations, {@link #AUTHORIZED_OPERATIONS_OMITTED} when not asked
 */
public record DescribeClusterResponse(int throttleTimeMs, short errorCode, String errorMessage, byte endpointType,
        String clusterId, int controllerId, List<DescribeClusterBroker> brokers, int clusterAuthorizedOperations)
        implements ApiResponse {

    /** Kafka's marker for "authorized operations not included". */
    public static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    public DescribeClusterResponse {
        brokers = List.copyOf(brokers);
    }

    /**
     * One broker (or controller, by endpoint type).
     *
     * @param rack     null when the broker has no rack
     * @param isFenced v2+; false before v2
     */
    public record DescribeClusterBroker(int brokerId, String host, int port, String rack, boolean isFenced) {
    }

    /** Decodes a response body at {@code version}, which must lie in the DescribeCluster band. */
    public static DescribeClusterResponse read(ProtocolReader r, short version) {
        DescribeClusterRequest.checkVersion(version);
        int throttleTimeMs = r.readInt32();
        short errorCode = r.readInt16();
        String errorMessage = r.readNullableString(true);
        byte endpointType = version >= 1 ? r.readInt8() : DescribeClusterRequest.ENDPOINT_TYPE_BROKERS;
        String clusterId = r.readString(true);
        int controllerId = r.readInt32();
        int n = r.readNonNullArrayLength(true);
        List<DescribeClusterBroker> brokers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int brokerId = r.readInt32();
            String host = r.readString(true);
            int port = r.readInt32();
            String rack = r.readNullableString(true);
            boolean fenced = version >= 2 && r.readBoolean();
            r.skipTaggedFields();
            brokers.add(new DescribeClusterBroker(brokerId, host, port, rack, fenced));
        }
        int operations = r.readInt32();
        r.skipTaggedFields();
        return new DescribeClusterResponse(throttleTimeMs, errorCode, errorMessage, endpointType, clusterId,
                controllerId, brokers, operations);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        DescribeClusterRequest.checkVersion(version);
        w.writeInt32(throttleTimeMs).writeInt16(errorCode).writeNullableString(errorMessage, true);
        if (version >= 1) {
            w.writeInt8(endpointType);
        }
        w.writeString(clusterId, true).writeInt32(controllerId).writeArrayLength(brokers.size(), true);
        for (DescribeClusterBroker b : brokers) {
            w.writeInt32(b.brokerId).writeString(b.host, true).writeInt32(b.port).writeNullableString(b.rack, true);
            if (version >= 2) {
                w.writeBoolean(b.isFenced);
            }
            w.writeEmptyTaggedFields();
        }
        w.writeInt32(clusterAuthorizedOperations).writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_CLUSTER;
    }
}
