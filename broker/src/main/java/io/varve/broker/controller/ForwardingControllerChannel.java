package io.varve.broker.controller;

import io.varve.protocol.Errors;
import io.varve.raft.controller.CreatePartitionsResult;
import io.varve.raft.controller.CreateTopicResult;
import io.varve.raft.controller.DeleteTopicResult;
import io.varve.raft.controller.NewPartitions;
import io.varve.raft.controller.NewTopic;
import io.varve.raft.controller.ProducerIdBlock;
import io.varve.raft.controller.TopicRef;
import io.varve.raft.metadata.MetadataImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * Commands sent to the active controller on another node through a {@link ControllerService.Forwarder},
 * each answered once its outcome reached this node's {@link MetadataPublisher} (bounded): a topic
 * created through this broker is in its Metadata answers at once. A broker-only node's whole
 * {@link ControllerChannel}; a voter's {@link ControllerService} uses it while another voter is active.
 *
 * <p>Thread-safe.
 */
public final class ForwardingControllerChannel implements ControllerChannel {

    private final ControllerService.Forwarder forwarder;
    private final MetadataPublisher images;
    private final IntSupplier activeController;

    /** @param activeController the node id clients are told is the controller, or -1 */
    public ForwardingControllerChannel(ControllerService.Forwarder forwarder, MetadataPublisher images,
                                       IntSupplier activeController) {
        this.forwarder = forwarder;
        this.images = images;
        this.activeController = activeController;
    }

    @Override
    public CompletableFuture<ProducerIdBlock> allocateProducerIds(int nodeId) {
        return forwarder.allocateProducerIds(nodeId);
    }

    @Override
    public CompletableFuture<List<CreateTopicResult>> createTopics(List<NewTopic> topics, boolean validateOnly) {
        return forwarder.createTopics(topics, validateOnly).thenCompose(results -> {
            if (validateOnly) {
                return CompletableFuture.completedFuture(results);
            }
            List<UUID> created = results.stream().filter(r -> r.error() == Errors.NONE)
                .map(CreateTopicResult::topicId).toList();
            return images.awaitImage(image -> created.stream().allMatch(id -> image.topic(id) != null))
                .thenApply(image -> results);
        });
    }

    @Override
    public CompletableFuture<List<DeleteTopicResult>> deleteTopics(List<TopicRef> topics) {
        return forwarder.deleteTopics(topics).thenCompose(results -> {
            List<UUID> deleted = results.stream()
                .filter(r -> r.error() == Errors.NONE && r.topicId() != null)
                .map(DeleteTopicResult::topicId).toList();
            return images.awaitImage(image -> deleted.stream().allMatch(id -> image.topic(id) == null))
                .thenApply(image -> results);
        });
    }

    @Override
    public CompletableFuture<List<CreatePartitionsResult>> createPartitions(List<NewPartitions> topics,
                                                                           boolean validateOnly) {
        return forwarder.createPartitions(topics, validateOnly).thenCompose(results -> {
            if (validateOnly) {
                return CompletableFuture.completedFuture(results);
            }
            Map<String, Integer> grown = new HashMap<>();
            for (int i = 0; i < results.size() && i < topics.size(); i++) {
                if (results.get(i).error() == Errors.NONE) {
                    grown.put(topics.get(i).topic(), topics.get(i).totalCount());
                }
            }
            return images.awaitImage(image -> grown.entrySet().stream().allMatch(e -> image.topic(e.getKey()) != null
                && image.topic(e.getKey()).partitionCount() >= e.getValue())).thenApply(image -> results);
        });
    }

    @Override
    public int activeControllerId() {
        return activeController.getAsInt();
    }

    @Override
    public MetadataImage image() {
        return images.image();
    }
}
