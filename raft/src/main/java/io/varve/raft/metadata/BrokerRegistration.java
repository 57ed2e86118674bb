package io.varve.raft.metadata;

import java.util.Objects;

/**
 * A registered broker, as the last {@link MetadataRecord.RegisterBroker} for its node id said.
 * Immutable.
 *
 * @param nodeId the broker's node id
 * @param host   the host clients connect to
 * @param port   the port clients connect to
 * @param rack   the rack, or null
 */
public record BrokerRegistration(int nodeId, String host, int port, String rack) {
    public BrokerRegistration {
        Objects.requireNonNull(host, "host");
    }

    static BrokerRegistration of(MetadataRecord.RegisterBroker record) {
        return new BrokerRegistration(record.nodeId(), record.host(), record.port(), record.rack());
    }
}
