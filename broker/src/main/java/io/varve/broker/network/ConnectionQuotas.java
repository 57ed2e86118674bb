package io.varve.broker.network;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The connection budget of one group of listeners (Kafka's {@code ConnectionQuotas}): at most
 * {@code maxConnections} open over the group, and at most {@code maxPerAddress} from one remote address
 * unless an override names that address. The client listeners share one instance and the controller
 * listeners have their own (KIP-402), so connections on one side never use up the other's.
 *
 * <p>Admission is decided once, at accept; a refused connection holds nothing. Thread-safe: the acceptor
 * admits, any event loop releases.
 */
final class ConnectionQuotas {

    /** Why a connection was refused, or {@link #NONE}. */
    enum Refusal { NONE, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_IP }

    private final int maxConnections;
    private final int maxPerAddress;
    private final Map<InetAddress, Integer> overrides;
    /** Open connections by remote address; an address with none is absent. Guarded by this. */
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    /** Guarded by this. */
    private int open;

    /**
     * @param overrides per-address limits that replace {@code maxPerAddress}, host names already resolved
     */
    ConnectionQuotas(int maxConnections, int maxPerAddress, Map<InetAddress, Integer> overrides) {
        if (maxConnections < 1 || maxPerAddress < 0) {
            throw new IllegalArgumentException("maxConnections " + maxConnections + ", maxPerAddress " + maxPerAddress);
        }
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * Counts a connection from {@code address} in, unless that would pass a limit. Every admitted
     * connection must be {@link #release released} exactly once, when it closes.
     */
    synchronized Refusal tryAdmit(InetAddress address) {
        if (open >= maxConnections) {
            return Refusal.MAX_CONNECTIONS;
        }
        int fromAddress = perAddress.getOrDefault(address, 0);
        if (fromAddress >= overrides.getOrDefault(address, maxPerAddress)) {
            return Refusal.MAX_CONNECTIONS_PER_IP;
        }
        perAddress.put(address, fromAddress + 1);
        open++;
        return Refusal.NONE;
    }

    /** An admitted connection from {@code address} closed. */
    synchronized void release(InetAddress address) {
        Integer fromAddress = perAddress.get(address);
        if (fromAddress == null || open == 0) {
            throw new IllegalStateException("no admitted connection from " + address);
        }
        if (fromAddress == 1) {
            perAddress.remove(address);
        } else {
            perAddress.put(address, fromAddress - 1);
        }
        open--;
    }

    /** Connections admitted and not yet released. */
    synchronized int open() {
        return open;
    }

    /** Connections from {@code address} admitted and not yet released. */
    synchronized int open(InetAddress address) {
        return perAddress.getOrDefault(address, 0);
    }
}
