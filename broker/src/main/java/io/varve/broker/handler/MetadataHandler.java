package io.varve.broker.handler;

import io.varve.broker.controller.ControllerChannel;
import io.varve.common.TopicPartition;
import io.varve.protocol.ErrorResponses;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.DescribeClusterRequest;
import io.varve.protocol.generated.DescribeClusterResponse;
import io.varve.protocol.generated.MetadataRequest;
import io.varve.protocol.generated.MetadataResponse;
import io.varve.protocol.generated.MetadataResponse.MetadataResponsePartition;
import io.varve.protocol.generated.MetadataResponse.MetadataResponseTopic;
import io.varve.raft.controller.NewTopic;
import io.varve.raft.metadata.BrokerRegistration;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.PartitionImage;
import io.varve.raft.metadata.TopicImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Metadata: the live (unfenced) brokers, cluster id, controller and the requested topics (all of them
 * for a null list), by name or by topic id, with replicas on fenced brokers listed as offline. Unknown topics named by a client that allows it are created with
 * the defaults when {@code auto.create.topics.enable} is on; the answer then waits for the
 * controller and describes the new topic. Thread-safe.
 */
final class MetadataHandler {

    private final ControllerChannel controller;
    private final int nodeId;
    private final boolean autoCreateTopics;

    MetadataHandler(ControllerChannel controller, int nodeId, boolean autoCreateTopics) {
        this.controller = controller;
        this.nodeId = nodeId;
        this.autoCreateTopics = autoCreateTopics;
    }

    CompletableFuture<MetadataResponse> handle(MetadataRequest request, short version) {
        if (version == 0 && request.topics() != null && request.topics().isEmpty()) {
            request = request.toBuilder().topics(null).build(); // v0: an empty list asks for every topic
        }
        if (version < 4 && request.topics() != null) {
            request = request.toBuilder().allowAutoTopicCreation(true).build(); // v0-3: always allowed, as Kafka
        }
        MetadataImage image = controller.image();
        if (request.topics() != null && request.allowAutoTopicCreation() && autoCreateTopics) {
            List<NewTopic> missing = new ArrayList<>();
            for (MetadataRequest.MetadataRequestTopic t : request.topics()) {
                if (t.name() != null && image.topic(t.name()) == null && TopicPartition.isValidTopicName(t.name())) {
                    missing.add(NewTopic.withDefaults(t.name()));
                }
            }
            if (!missing.isEmpty()) {
                MetadataRequest asked = request;
                return controller.createTopics(missing, false)
                    .handle((created, error) -> describe(asked, controller.image()));
            }
        }
        return CompletableFuture.completedFuture(describe(request, image));
    }

    private MetadataResponse describe(MetadataRequest request, MetadataImage image) {
        List<MetadataResponseTopic> topics = new ArrayList<>();
        if (request.topics() == null) {
            image.topicsByName().values().forEach(t -> topics.add(describe(t, image)));
        } else {
            for (MetadataRequest.MetadataRequestTopic t : request.topics()) {
                TopicImage topic = t.name() != null ? image.topic(t.name()) : image.topic(t.topicId());
                if (topic != null) {
                    topics.add(describe(topic, image));
                } else {
                    Errors error = t.name() == null ? Errors.UNKNOWN_TOPIC_ID
                        : TopicPartition.isValidTopicName(t.name()) ? Errors.UNKNOWN_TOPIC_OR_PARTITION
                        : Errors.INVALID_TOPIC_EXCEPTION;
                    UUID id = t.topicId() == null ? new UUID(0, 0) : t.topicId();
                    topics.add(new MetadataResponseTopic(error.code, t.name(), id, false, List.of(),
                        ErrorResponses.AUTHORIZED_OPERATIONS_OMITTED));
                }
            }
        }
        List<MetadataResponse.MetadataResponseBroker> brokers = new ArrayList<>();
        for (BrokerRegistration b : image.brokers().values()) {
            if (!b.fenced()) { // as Kafka: clients are told of live brokers only
                brokers.add(new MetadataResponse.MetadataResponseBroker(b.nodeId(), b.host(), b.port(), b.rack()));
            }
        }
        return new MetadataResponse(0, brokers, image.clusterId(), controller.activeControllerId(), topics,
            ErrorResponses.AUTHORIZED_OPERATIONS_OMITTED, Errors.NONE.code);
    }

    /** DescribeCluster from the published image. */
    DescribeClusterResponse describeCluster(DescribeClusterRequest request) {
        MetadataImage image = controller.image();
        // As Kafka (KIP-1073): fenced brokers only when asked for (v2+), and then marked so.
        List<DescribeClusterResponse.DescribeClusterBroker> brokers = image.brokers().values().stream()
            .filter(b -> !b.fenced() || request.includeFencedBrokers())
            .map(b -> new DescribeClusterResponse.DescribeClusterBroker(b.nodeId(), b.host(), b.port(), b.rack(), b.fenced()))
            .toList();
        return new DescribeClusterResponse(0, Errors.NONE.code, null, request.endpointType(), image.clusterId(),
            controller.activeControllerId(), brokers, ErrorResponses.AUTHORIZED_OPERATIONS_OMITTED);
    }

    /**
     * A topic's partitions; replicas on brokers that are fenced, unknown or have a log directory offline are
     * listed as offline, as Kafka does.
     */
    private static MetadataResponseTopic describe(TopicImage topic, MetadataImage image) {
        List<MetadataResponsePartition> partitions = new ArrayList<>(topic.partitionCount());
        for (PartitionImage p : topic.partitions().values()) {
            Errors error = p.leader() == PartitionImage.NO_LEADER ? Errors.LEADER_NOT_AVAILABLE : Errors.NONE;
            List<Integer> offline = new ArrayList<>(0);
            for (int replica : p.replicas()) {
                BrokerRegistration broker = image.broker(replica);
                if (broker == null || broker.fenced() || broker.logDirOffline()) {
                    offline.add(replica);
                }
            }
            partitions.add(new MetadataResponsePartition(error.code, p.partitionIndex(), p.leader(), p.leaderEpoch(),
                boxed(p.replicas()), boxed(p.isr()), offline));
        }
        return new MetadataResponseTopic(Errors.NONE.code, topic.name(), topic.topicId(), false, partitions,
            ErrorResponses.AUTHORIZED_OPERATIONS_OMITTED);
    }

    private static List<Integer> boxed(int[] ids) {
        return Arrays.stream(ids).boxed().toList();
    }
}
