package io.varve.broker.controller;

import io.varve.raft.controller.CreatePartitionsResult;
import io.varve.raft.controller.CreateTopicResult;
import io.varve.raft.controller.DeleteTopicResult;
import io.varve.raft.controller.NewPartitions;
import io.varve.raft.controller.NewTopic;
import io.varve.raft.controller.ProducerIdBlock;
import io.varve.raft.controller.TopicRef;
import io.varve.raft.metadata.MetadataImage;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The broker role's way to the active controller, wherever it is: this node's own
 * {@link ControllerService} when it is a voter (which forwards while another voter is active), or a
 * {@link ForwardingControllerChannel} on a broker-only node, which has no controller at all. Every
 * command completes once its outcome is in this node's image (a client that created a topic here
 * finds it here at once), bounded by {@link MetadataPublisher#IMAGE_WAIT_MS}.
 *
 * <p>Implementations are thread-safe and never block the caller.
 */
public interface ControllerChannel {

    /** A block of producer ids for broker {@code nodeId}. */
    CompletableFuture<ProducerIdBlock> allocateProducerIds(int nodeId);

    CompletableFuture<List<CreateTopicResult>> createTopics(List<NewTopic> topics, boolean validateOnly);

    CompletableFuture<List<DeleteTopicResult>> deleteTopics(List<TopicRef> topics);

    CompletableFuture<List<CreatePartitionsResult>> createPartitions(List<NewPartitions> topics, boolean validateOnly);

    /** The node id clients are told is the controller, or -1 while none is known. */
    int activeControllerId();

    /** This node's current metadata image (from its {@link MetadataPublisher}). */
    MetadataImage image();
}
