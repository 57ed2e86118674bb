package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.List;

/**
 * DescribeCluster request, v0-v2 (all flexible).
 *
 * <pre>
 *  include_cluster_authorized_operations bool | endpoint_type int8 (v1+) | include_fenced_brokers bool (v2+)
 * </pre>
 *
 * @param endpointType         v1+: 1 brokers, 2 controllers; 1 before v1
 * @param includeFencedBrokers v2+; false before v2
 */
public record DescribeClusterRequest(boolean includeClusterAuthorizedOperations, byte endpointType,
        boolean includeFencedBrokers) implements ApiRequest {

    /** Endpoint type asking for the brokers (the default). */
    public static final byte ENDPOINT_TYPE_BROKERS = 1;
    /** Endpoint type asking for the controllers. */
    public static final byte ENDPOINT_TYPE_CONTROLLERS = 2;

    /** Decodes a request body at {@code version}, which must lie in the DescribeCluster band. */
    public static DescribeClusterRequest read(ProtocolReader r, short version) {
        checkVersion(version);
        boolean includeOperations = r.readBoolean();
        byte endpointType = version >= 1 ? r.readInt8() : ENDPOINT_TYPE_BROKERS;
        boolean includeFenced = version >= 2 && r.readBoolean();
        r.skipTaggedFields();
        return new DescribeClusterRequest(includeOperations, endpointType, includeFenced);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        checkVersion(version);
        w.writeBoolean(includeClusterAuthorizedOperations);
        if (version >= 1) {
            w.writeInt8(endpointType);
        }
        if (version >= 2) {
            w.writeBoolean(includeFencedBrokers);
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_CLUSTER;
    }

    /** The top-level error {@code error}, no brokers, controller -1 and no authorized operations. */
    @Override
    public DescribeClusterResponse errorResponse(Errors error) {
        return new DescribeClusterResponse(0, error.code, null, endpointType, "", -1, List.of(),
                DescribeClusterResponse.AUTHORIZED_OPERATIONS_OMITTED);
    }

    static void checkVersion(short version) {
        if (!ApiKey.DESCRIBE_CLUSTER.isVersionSupported(version)) {
            throw new IllegalArgumentException("DescribeCluster v" + version + " is outside the supported band");
        }
    }
}
