package io.varve.protocol.message;

import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a broker listens, as sent in the {@code NodeEndpoints} tagged field of Produce (v10+) and
 * Fetch (v16+) responses so that a client can follow a leader change without a metadata round trip.
 * Always compact-encoded with an (empty) tagged-field section of its own.
 *
 * @param nodeId the broker id
 * @param host   the host name, never null
 * @param port   the TCP port
 * @param rack   the rack, or null when the broker has none
 */
public record NodeEndpoint(int nodeId, String host, int port, String rack) {

    /** Reads a compact array of endpoints (the body of the tagged field). */
    static List<NodeEndpoint> readAll(ProtocolReader r) {
        int n = r.readNonNullArrayLength(true);
        List<NodeEndpoint> endpoints = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            endpoints.add(new NodeEndpoint(r.readInt32(), r.readString(true), r.readInt32(), r.readNullableString(true)));
            r.skipTaggedFields();
        }
        return endpoints;
    }

    /** Writes {@code endpoints} as a compact array (the body of the tagged field). */
    static void writeAll(ProtocolWriter w, List<NodeEndpoint> endpoints) {
        w.writeArrayLength(endpoints.size(), true);
        for (NodeEndpoint e : endpoints) {
            w.writeInt32(e.nodeId).writeString(e.host, true).writeInt32(e.port).writeNullableString(e.rack, true)
                    .writeEmptyTaggedFields();
        }
    }
}
