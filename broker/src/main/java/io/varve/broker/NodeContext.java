package io.varve.broker;

import io.varve.broker.metrics.BrokerMetrics;
import io.varve.common.Clock;
import io.varve.config.BrokerConfig;
import io.varve.config.ControllerQuorumConfig;
import io.varve.config.StorageConfig;
import io.varve.raft.controller.ControllerConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every role of one node is built from: its configuration (validated once), its clock, its
 * cluster id and metadata directory, and its metrics. Immutable.
 *
 * @param props       the Kafka-style properties the node started from (per-topic log defaults read them)
 * @param clusterId   the cluster id of the node's {@code meta.properties}
 * @param metadataDir where the metadata log (or the voter's Raft log) lives
 */
record NodeContext(BrokerConfig config, Map<String, String> props, StorageConfig storage, ControllerQuorumConfig quorum,
                   ControllerConfig controllerConfig, String clusterId, Path metadataDir, Clock clock,
                   BrokerMetrics metrics) {

    int nodeId() {
        return config.nodeId();
    }

    boolean hasRole(BrokerConfig.Role role) {
        return config.hasRole(role);
    }
}
