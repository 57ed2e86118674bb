package io.varve.broker;

import io.varve.config.BrokerConfig;
import io.varve.config.ConfigException;
import io.varve.config.ControllerQuorumConfig;
import io.varve.config.Listener;

/**
 * Which roles a node may take in which cluster, checked once at start: a node alone (no voters) has
 * both roles; in a multi-voter cluster a node with the controller role is one of the voters and
 * binds a controller listener, a controller-only node binds nothing else (as in Kafka), and a
 * broker-only node is not a voter (it follows the metadata log: State Watch) and serves no
 * controller listener. Stateless.
 */
final class ProcessRoles {

    private ProcessRoles() {
    }

    /** @throws ConfigException naming the property at fault */
    static void check(BrokerConfig config, ControllerQuorumConfig quorum) {
        boolean broker = config.hasRole(BrokerConfig.Role.BROKER);
        boolean controller = config.hasRole(BrokerConfig.Role.CONTROLLER);
        if (quorum.isLocal()) {
            if (!broker || !controller) {
                throw new ConfigException(BrokerConfig.PROCESS_ROLES, config.processRoles(), "a node without "
                    + ControllerQuorumConfig.VOTERS + " is a cluster of one and must have both roles (broker,controller)");
            }
            return;
        }
        boolean voter = quorum.voters().containsKey(config.nodeId());
        if (controller) {
            if (!voter) {
                throw new ConfigException(ControllerQuorumConfig.VOTERS, quorum.voters().keySet(),
                    "does not list node " + config.nodeId() + ", which has the controller role");
            }
            if (config.controllerListenerNames().isEmpty()) {
                throw new ConfigException(BrokerConfig.CONTROLLER_LISTENER_NAMES, "",
                    "a voter needs a controller listener for " + ControllerQuorumConfig.VOTERS);
            }
        } else if (voter) {
            throw new ConfigException(ControllerQuorumConfig.VOTERS, quorum.voters().keySet(),
                "lists node " + config.nodeId() + ", which has only the broker role: voters need the controller role");
        } else if (!config.controllerListenerNames().isEmpty()) {
            throw new ConfigException(BrokerConfig.CONTROLLER_LISTENER_NAMES, config.controllerListenerNames(),
                "a broker-only node serves no controller listener; it reaches the voters at " + ControllerQuorumConfig.VOTERS);
        }
        if (!broker) {
            for (Listener l : config.listeners()) {
                if (!config.controllerListenerNames().contains(l.name())) {
                    throw new ConfigException(BrokerConfig.LISTENERS, l,
                        "a controller-only node binds only its controller listener (" + BrokerConfig.CONTROLLER_LISTENER_NAMES + ")");
                }
            }
        }
    }
}
