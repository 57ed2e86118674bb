package io.varve.testkit.groups;

import io.varve.testkit.compat.ApacheKafkaProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The consumer group contract against a real Apache Kafka 4.3.1 broker in a child JVM (one start for the class). */
class ConsumerGroupAgainstKafkaTest extends ConsumerGroupContract {

    @TempDir
    static Path dir;
    private ApacheKafkaProcess kafka;

    @Override
    String startBroker() throws Exception {
        kafka = ApacheKafkaProcess.start(dir);
        return kafka.bootstrapServers();
    }

    @Override
    void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }
}
