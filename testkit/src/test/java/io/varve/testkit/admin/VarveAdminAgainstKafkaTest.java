package io.varve.testkit.admin;

import io.varve.client.admin.VarveAdmin;
import io.varve.testkit.compat.ApacheKafkaProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VarveAdmin} against a real Apache Kafka 4.3.1 broker: the same contract as against Varve,
 * so the client speaks Kafka's protocol and not only Varve's reading of it.
 */
class VarveAdminAgainstKafkaTest extends VarveAdminContract {

    @TempDir
    static Path dir;
    static ApacheKafkaProcess kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = ApacheKafkaProcess.start(dir);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Override
    String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
