package io.varve.testkit.faults;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Metadata reads in a cluster, where each node applies the controller's records on its own time. */
final class Topics {

    private Topics() {
    }

    /**
     * Describes {@code topic}, asking again (within {@code bound}) while the node that answers has
     * not applied the topic's creation yet: CreateTopics is answered once the active controller's
     * image has the topic, other nodes catch up moments later, as in Kafka.
     */
    static TopicDescription describe(Admin admin, String topic, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            try {
                return admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(5000))
                    .allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
