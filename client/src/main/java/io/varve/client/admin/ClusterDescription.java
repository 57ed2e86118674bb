package io.varve.client.admin;

import io.varve.client.Node;
import java.util.List;

/**
 * The cluster as a broker describes it. Immutable.
 *
 * @param clusterId    the cluster id
 * @param controllerId the id of the broker that admin requests go to, -1 when unknown
 * @param nodes        the live brokers, by ascending id
 */
public record ClusterDescription(String clusterId, int controllerId, List<Node> nodes) {

    public ClusterDescription {
        nodes = List.copyOf(nodes);
    }
}
