package io.varve.testkit;

import io.varve.broker.VarveNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A Varve node (broker and controller roles, a one-voter quorum) running inside the test JVM on an
 * ephemeral loopback port, with its data in a directory the caller owns: the "cluster of one" of
 * DESIGN §1 for integration and compatibility tests. Restartable on the same directory.
 *
 * <p>Not thread-safe; one test owns one instance and closes it.
 */
public final class EmbeddedVarve implements AutoCloseable {

    private final Path dataDir;
    private final Map<String, String> overrides;
    private VarveNode broker;
    private int port;

    private EmbeddedVarve(Path dataDir, Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.overrides = Map.copyOf(overrides);
    }

    /** Starts a node with its data under {@code dataDir}; {@code overrides} are broker properties. */
    public static EmbeddedVarve start(Path dataDir, Map<String, String> overrides) throws IOException {
        EmbeddedVarve node = new EmbeddedVarve(dataDir, overrides);
        node.startBroker(0);
        return node;
    }

    public static EmbeddedVarve start(Path dataDir) throws IOException {
        return start(dataDir, Map.of());
    }

    /** {@code host:port} of the client listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public VarveNode broker() {
        return broker;
    }

    /** Stops the node cleanly and starts it again on the same data and the same port. */
    public void restart() throws IOException {
        broker.close();
        startBroker(port);
    }

    private void startBroker(int listenPort) throws IOException {
        Map<String, String> props = new HashMap<>();
        props.put("log.dirs", dataDir.resolve("logs").toString());
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + listenPort);
        props.put("metrics.port", "0"); // a free port: tests run many nodes side by side
        props.putAll(overrides);
        broker = VarveNode.start(props);
        port = broker.clientPort();
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
