package io.varve.client;

import java.util.Objects;

/**
 * A broker as the client addresses it: its node id and where it listens. Bootstrap servers, whose
 * ids are not known yet, use negative ids ({@code -1}, {@code -2}, ...), as Kafka does.
 *
 * <p>The {@link NetworkClient} keeps one connection per distinct {@code Node} value: a broker that
 * moves to another host or port is a new node value, and the old connection closes when idle.
 *
 * @param id   the broker's node id, or negative for a bootstrap server
 * @param host host name or IP literal, resolved when a connection is opened
 * @param port TCP port in [1, 65535]
 */
public record Node(int id, String host, int port) {

    public Node {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("blank host for node " + id);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range for node " + id + ": " + port);
        }
    }

    @Override
    public String toString() {
        return "node " + id + " (" + host + ":" + port + ")";
    }
}
