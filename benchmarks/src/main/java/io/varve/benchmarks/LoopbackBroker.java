package io.varve.benchmarks;

import io.varve.testkit.EmbeddedVarve;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * An embedded Varve node on a loopback port with its data in a scratch directory, for the
 * end-to-end suites: started in a trial's setup, closed (and its data deleted) in its teardown.
 * Topics are created with the official admin client, as a user would.
 */
final class LoopbackBroker implements AutoCloseable {

    private final Path dir;
    private final EmbeddedVarve node;

    private LoopbackBroker(Path dir, EmbeddedVarve node) {
        this.dir = dir;
        this.node = node;
    }

    static LoopbackBroker start() {
        Path dir = TempDirs.create("e2e");
        try {
            return new LoopbackBroker(dir, EmbeddedVarve.start(dir, Map.of("auto.create.topics.enable", "false")));
        } catch (IOException e) {
            TempDirs.delete(dir);
            throw new IllegalStateException("the embedded broker did not start", e);
        }
    }

    String bootstrapServers() {
        return node.bootstrapServers();
    }

    /** Creates {@code topic} with {@code partitions} partitions and waits (at most 30 s) until it exists. */
    void createTopic(String topic, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create " + topic, e);
        }
    }

    @Override
    public void close() {
        node.close();
        TempDirs.delete(dir);
    }
}
