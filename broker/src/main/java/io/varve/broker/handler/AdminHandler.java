package io.varve.broker.handler;

import io.varve.broker.controller.ControllerChannel;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.CreatePartitionsRequest;
import io.varve.protocol.generated.CreatePartitionsResponse;
import io.varve.protocol.generated.CreateTopicsRequest;
import io.varve.protocol.generated.CreateTopicsResponse.CreatableTopicConfigs;
import io.varve.protocol.generated.CreateTopicsResponse.CreatableTopicResult;
import io.varve.protocol.generated.CreateTopicsResponse;
import io.varve.protocol.generated.DeleteTopicsRequest;
import io.varve.protocol.generated.DeleteTopicsResponse;
import io.varve.protocol.generated.DescribeConfigsRequest;
import io.varve.protocol.generated.DescribeConfigsResponse.DescribeConfigsResourceResult;
import io.varve.protocol.generated.DescribeConfigsResponse.DescribeConfigsResult;
import io.varve.protocol.generated.DescribeConfigsResponse;
import io.varve.raft.controller.CreateTopicResult;
import io.varve.raft.controller.NewPartitions;
import io.varve.raft.controller.NewTopic;
import io.varve.raft.controller.TopicConfigs;
import io.varve.raft.controller.TopicRef;
import io.varve.raft.metadata.TopicImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Topic administration through the controller (CreateTopics, DeleteTopics, CreatePartitions) and
 * DescribeConfigs from the published image. Explicit replica assignments are refused: with one
 * node there is nothing to choose. Thread-safe.
 */
final class AdminHandler {

    private static final java.util.UUID ZERO_UUID = new java.util.UUID(0L, 0L);

    /** Kafka's ConfigSource ids. */
    private static final byte SOURCE_TOPIC = 1;
    private static final byte SOURCE_STATIC_BROKER = 4;
    private static final byte SOURCE_DEFAULT = 5;
    private static final byte RESOURCE_TOPIC = 2;
    private static final byte RESOURCE_BROKER = 4;

    private final ControllerChannel controller;
    private final Map<String, ?> brokerProps;
    private final int nodeId;
    private final TopicConfigs topicDefaults;

    AdminHandler(ControllerChannel controller, Map<String, ?> brokerProps, int nodeId) {
        this.controller = controller;
        this.brokerProps = Map.copyOf(brokerProps);
        this.nodeId = nodeId;
        this.topicDefaults = TopicConfigs.withBrokerDefaults(brokerProps);
    }

    CompletableFuture<CreateTopicsResponse> createTopics(CreateTopicsRequest request) {
        List<NewTopic> topics = new ArrayList<>();
        for (CreateTopicsRequest.CreatableTopic t : request.topics()) {
            if (t.assignments().isEmpty()) {
                Map<String, String> configs = new LinkedHashMap<>();
                t.configs().forEach(c -> configs.put(c.name(), c.value()));
                topics.add(new NewTopic(t.name(), t.numPartitions(), t.replicationFactor(), configs));
            }
        }
        return controller.createTopics(topics, request.validateOnly())
            .thenApply(results -> {
                List<CreatableTopicResult> out = new ArrayList<>();
                int next = 0;
                for (CreateTopicsRequest.CreatableTopic t : request.topics()) {
                    out.add(t.assignments().isEmpty() ? toWire(results.get(next++))
                        : failed(t.name(), Errors.INVALID_REPLICA_ASSIGNMENT, "explicit replica assignments are not supported"));
                }
                return new CreateTopicsResponse(0, out);
            });
    }

    private static CreatableTopicResult toWire(CreateTopicResult r) {
        if (r.error() != Errors.NONE) {
            return failed(r.name(), r.error(), r.message());
        }
        List<CreatableTopicConfigs> configs = new ArrayList<>();
        r.configs().forEach((name, value) -> configs.add(new CreatableTopicConfigs(name, value, false, SOURCE_DEFAULT, false)));
        return new CreatableTopicResult(r.name(), r.topicId(), Errors.NONE.code, null, (short) 0, r.numPartitions(),
            r.replicationFactor(), configs);
    }

    private static CreatableTopicResult failed(String name, Errors error, String message) {
        return new CreatableTopicResult(name, ZERO_UUID, error.code, message, (short) 0, -1,
            (short) -1, List.of());
    }

    /** DeleteTopics: by name before v6 ({@code topicNames}), by name or topic id from v6. */
    CompletableFuture<DeleteTopicsResponse> deleteTopics(DeleteTopicsRequest request, short version) {
        List<TopicRef> refs = version < 6 ? request.topicNames().stream().map(TopicRef::byName).toList()
            : request.topics().stream()
            .map(t -> t.name() != null ? TopicRef.byName(t.name()) : TopicRef.byId(t.topicId())).toList();
        return controller.deleteTopics(refs).thenApply(results ->
            new DeleteTopicsResponse(0, results.stream().map(r -> new DeleteTopicsResponse.DeletableTopicResult(
                r.name(), r.topicId() == null ? ZERO_UUID : r.topicId(), r.error().code, r.message()))
                .toList()));
    }

    CompletableFuture<CreatePartitionsResponse> createPartitions(CreatePartitionsRequest request) {
        List<NewPartitions> topics = request.topics().stream().map(t -> new NewPartitions(t.name(), t.count())).toList();
        return controller.createPartitions(topics, request.validateOnly())
            .thenApply(results -> new CreatePartitionsResponse(0, results.stream()
                .map(r -> new CreatePartitionsResponse.CreatePartitionsTopicResult(r.name(), r.error().code, r.message()))
                .toList()));
    }

    DescribeConfigsResponse describeConfigs(DescribeConfigsRequest request) {
        List<DescribeConfigsResult> results = new ArrayList<>();
        for (DescribeConfigsRequest.DescribeConfigsResource resource : request.resources()) {
            results.add(describe(resource));
        }
        return new DescribeConfigsResponse(0, results);
    }

    private DescribeConfigsResult describe(DescribeConfigsRequest.DescribeConfigsResource resource) {
        List<DescribeConfigsResourceResult> entries = new ArrayList<>();
        if (resource.resourceType() == RESOURCE_TOPIC) {
            TopicImage topic = controller.image().topic(resource.resourceName());
            if (topic == null) {
                return new DescribeConfigsResult(Errors.UNKNOWN_TOPIC_OR_PARTITION.code, "unknown topic",
                    resource.resourceType(), resource.resourceName(), List.of());
            }
            topicDefaults.effective(topic.configs()).forEach((name, value) -> {
                String logName = TopicConfigs.logConfigName(name);
                byte source = topic.configs().containsKey(name) ? SOURCE_TOPIC
                    : logName != null && brokerProps.containsKey(logName) ? SOURCE_STATIC_BROKER
                    : SOURCE_DEFAULT;
                entries.add(entry(name, value, source));
            });
        } else if (resource.resourceType() == RESOURCE_BROKER && resource.resourceName().equals(Integer.toString(nodeId))) {
            brokerProps.forEach((name, value) -> entries.add(entry(name, String.valueOf(value), SOURCE_STATIC_BROKER)));
        } else {
            return new DescribeConfigsResult(Errors.INVALID_REQUEST.code, "unsupported resource", resource.resourceType(),
                resource.resourceName(), List.of());
        }
        List<String> keys = resource.configurationKeys();
        List<DescribeConfigsResourceResult> wanted = keys == null ? entries
            : entries.stream().filter(e -> keys.contains(e.name())).toList();
        return new DescribeConfigsResult(Errors.NONE.code, null, resource.resourceType(), resource.resourceName(), wanted);
    }

    private static DescribeConfigsResourceResult entry(String name, String value, byte source) {
        return new DescribeConfigsResourceResult(name, value, false, source, false, List.of(), (byte) 0, null);
    }
}
