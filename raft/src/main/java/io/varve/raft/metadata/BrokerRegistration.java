package io.varve.raft.metadata;

import java.util.Objects;

/**
 * A registered broker: the endpoint of its last {@link MetadataRecord.RegisterBroker}, its broker
 * epoch (the offset of that record), and its liveness as the controller last decided it. Immutable.
 *
 * @param nodeId               the broker's node id
 * @param host                 the host clients connect to
 * @param port                 the port clients connect to
 * @param rack                 the rack, or null
 * @param epoch                the broker epoch: the metadata log offset of its registration
 * @param fenced               fenced: its lease expired or it has not heartbeated since registering
 * @param inControlledShutdown it asked to shut down; it is being drained of leaderships
 * @param logDirOffline        it reported a log directory offline (a storage error): it stays registered
 *                             and heartbeating, but leads nothing and is in no ISR until it registers again
 *                             (a restart), as Kafka treats a broker's offline log directory (KIP-858)
 */
public record BrokerRegistration(int nodeId, String host, int port, String rack, long epoch, boolean fenced,
                                 boolean inControlledShutdown, boolean logDirOffline) {
    public BrokerRegistration {
        Objects.requireNonNull(host, "host");
    }

    /** A registration whose log directories are all online. */
    public BrokerRegistration(int nodeId, String host, int port, String rack, long epoch, boolean fenced,
                              boolean inControlledShutdown) {
        this(nodeId, host, port, rack, epoch, fenced, inControlledShutdown, false);
    }

    /**
     * Whether the broker may lead partitions, join ISRs and receive new replicas: unfenced, not
     * shutting down, and with no log directory offline.
     */
    public boolean isActive() {
        return !fenced && !inControlledShutdown && !logDirOffline;
    }

    BrokerRegistration withFenced(boolean fenced) {
        return new BrokerRegistration(nodeId, host, port, rack, epoch, fenced, inControlledShutdown, logDirOffline);
    }

    BrokerRegistration withControlledShutdown() {
        return new BrokerRegistration(nodeId, host, port, rack, epoch, fenced, true, logDirOffline);
    }

    BrokerRegistration withLogDirOffline() {
        return new BrokerRegistration(nodeId, host, port, rack, epoch, fenced, inControlledShutdown, true);
    }

    static BrokerRegistration of(MetadataRecord.RegisterBroker record, long offset) {
        long epoch = record.brokerEpoch() == MetadataRecord.RegisterBroker.OWN_OFFSET ? offset : record.brokerEpoch();
        return new BrokerRegistration(record.nodeId(), record.host(), record.port(), record.rack(), epoch,
            record.fenced(), record.inControlledShutdown(), record.logDirOffline());
    }
}
