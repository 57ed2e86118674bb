package io.varve.raft.controller;

import io.varve.raft.metadata.BrokerRegistration;
import io.varve.raft.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lease: each registered broker holds a lease of {@code broker.session.timeout.ms} that every
 * heartbeat renews; an unfenced broker whose lease ran out ({@code nowMs >= lastContactMs + timeout})
 * is due to be fenced. Leases are the active controller's memory, not metadata: they are not in the
 * log, and a controller that becomes active grants every registered broker a fresh lease
 * ({@link #renewAll}), so that a broker is never fenced for the time no controller was listening.
 *
 * <p>Time is passed in ({@code nowMs}, from the node's one clock). At most one entry per registered
 * broker. Not thread-safe: the controller's thread only.
 */
final class BrokerLeases {

    private final long sessionTimeoutMs;
    private final Map<Integer, Long> lastContactMs = new HashMap<>();

    BrokerLeases(long sessionTimeoutMs) {
        if (sessionTimeoutMs < 1) {
            throw new IllegalArgumentException("session timeout must be positive: " + sessionTimeoutMs);
        }
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    /** The broker heartbeated or registered at {@code nowMs}. */
    void renew(int nodeId, long nowMs) {
        lastContactMs.put(nodeId, nowMs);
    }

    /** Every broker of {@code image} heartbeated at {@code nowMs}; leases of unknown brokers are dropped. */
    void renewAll(MetadataImage image, long nowMs) {
        lastContactMs.clear();
        for (Integer nodeId : image.brokers().keySet()) {
            lastContactMs.put(nodeId, nowMs);
        }
    }

    /**
     * The unfenced brokers of {@code image} whose lease has run out at {@code nowMs}, in node id order.
     * An unfenced broker with no lease yet (registered through another controller) gets one from now.
     */
    List<Integer> expired(MetadataImage image, long nowMs) {
        List<Integer> expired = new ArrayList<>();
        for (BrokerRegistration broker : image.brokers().values()) {
            if (broker.fenced()) {
                continue;
            }
            Long last = lastContactMs.putIfAbsent(broker.nodeId(), nowMs);
            if (last != null && nowMs - last >= sessionTimeoutMs) {
                expired.add(broker.nodeId());
            }
        }
        return expired;
    }

    /** When the first unfenced broker's lease runs out, or {@link Long#MAX_VALUE} if none holds one. */
    long nextExpiryMs(MetadataImage image) {
        long next = Long.MAX_VALUE;
        for (BrokerRegistration broker : image.brokers().values()) {
            Long last = lastContactMs.get(broker.nodeId());
            if (!broker.fenced() && last != null) {
                next = Math.min(next, last + sessionTimeoutMs);
            }
        }
        return next;
    }
}
