package io.varve.cli;

import io.varve.client.NetworkClient;
import io.varve.client.metadata.Cluster;
import io.varve.client.metadata.MetadataManager;
import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.ClientConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** The partitions of a topic, from the cluster's metadata, for tools that read every partition. */
final class TopicPartitionsLookup {

    private static final long TIMEOUT_MS = 30_000;

    private TopicPartitionsLookup() {
    }

    static List<TopicPartition> partitions(String bootstrap, String topic) throws Exception {
        ClientConfig config = ClientConfig.from(Map.of("bootstrap.servers", bootstrap));
        try (NetworkClient client = new NetworkClient(config, Clock.system(), new Random())) {
            MetadataManager metadata = new MetadataManager(client, config, Clock.system(), false);
            Cluster cluster = metadata.awaitLeaders(topic, TIMEOUT_MS).get(TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS);
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < cluster.partitionCount(topic); p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            return partitions;
        }
    }
}
