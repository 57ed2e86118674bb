package io.varve.cli;

import io.varve.client.admin.TopicDescription;
import io.varve.client.admin.VarveAdmin;
import io.varve.common.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The partitions of a topic, described by the admin client, for tools that read every partition. */
final class TopicPartitionsLookup {

    private static final long TIMEOUT_MS = 30_000;

    private TopicPartitionsLookup() {
    }

    static List<TopicPartition> partitions(String bootstrap, String topic) throws Exception {
        try (VarveAdmin admin = new VarveAdmin(Map.of("bootstrap.servers", bootstrap,
                "default.api.timeout.ms", Long.toString(TIMEOUT_MS)))) {
            TopicDescription description = admin.describeTopics(List.of(topic))
                .get(TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS).get(topic);
            return description.partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                .toList();
        }
    }
}
