package io.varve.broker.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.protocol.Errors;
import io.varve.raft.controller.Controller;
import io.varve.raft.controller.ControllerConfig;
import io.varve.raft.controller.CreatePartitionsResult;
import io.varve.raft.controller.CreateTopicResult;
import io.varve.raft.controller.DeleteTopicResult;
import io.varve.raft.controller.NewPartitions;
import io.varve.raft.controller.NewTopic;
import io.varve.raft.controller.ProducerIdBlock;
import io.varve.raft.controller.TopicRef;
import io.varve.raft.metadata.MetadataImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that is not the active controller forwards topic creation and producer-id allocation, and
 * answers a forwarded creation only once its own image holds the new topic (so the client can use it
 * through this node at once). The "remote" controller is a fake forwarder; the local image moves by
 * committing to the local quorum, as records replicated by Raft would.
 */
class ControllerServiceForwardingTest {

    @TempDir
    Path dir;

    private Controller controller;
    private ControllerService service;
    private final List<MetadataImage> published = new ArrayList<>();
    private final FakeForwarder forwarder = new FakeForwarder();

    @BeforeEach
    void open() throws Exception {
        controller = Controller.open(dir, "cluster", ControllerConfig.from(Map.of()), new ManualClock(), new Random(1));
        service = new ControllerService(controller, () -> 2, published::add);
        service.forwardTo(forwarder);
        // One live broker, so that topics can be placed.
        long epoch = service.<io.varve.raft.controller.RegisterBrokerResult>submit(c -> c.registerBroker(1, "127.0.0.1", 9092, null, 0))
            .get(10, TimeUnit.SECONDS).brokerEpoch();
        service.<io.varve.raft.controller.HeartbeatResult>submit(c -> c.brokerHeartbeat(1, epoch, 0, false)).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() {
        service.close();
        controller.close();
    }

    @Test
    void aForwardedCreationIsAnsweredOnlyOnceTheLocalImageHoldsTheTopic() throws Exception {
        CompletableFuture<List<CreateTopicResult>> answer = service.createTopics(List.of(NewTopic.withDefaults("t")), false);
        assertFalse(answer.isDone(), "the active controller has not answered yet");

        // The topic is committed and reaches this node's image; then the remote answer arrives naming it.
        forwarder.active = true;
        List<CreateTopicResult> local = service.createTopics(List.of(NewTopic.withDefaults("t")), false).get(10, TimeUnit.SECONDS);
        forwarder.active = false;
        UUID id = local.get(0).topicId();
        forwarder.creations.get(0).complete(List.of(result("t", id)));
        assertEquals(id, answer.get(10, TimeUnit.SECONDS).get(0).topicId());

        CompletableFuture<List<CreateTopicResult>> unseen = service.createTopics(List.of(NewTopic.withDefaults("u")), false);
        forwarder.creations.get(1).complete(List.of(result("u", new UUID(9, 9))));
        assertFalse(unseen.isDone(), "answered only when topic u reaches this node's image (or the bounded wait ends)");
    }

    @Test
    void validateOnlyAndFailuresAreAnsweredAtOnceAndTheActiveNodeRunsCommandsItself() throws Exception {
        CompletableFuture<List<CreateTopicResult>> validate = service.createTopics(List.of(NewTopic.withDefaults("v")), true);
        forwarder.creations.get(0).complete(List.of(result("v", CreateTopicResult.NO_TOPIC_ID)));
        assertTrue(validate.isDone());

        CompletableFuture<ProducerIdBlock> block = service.allocateProducerIds(3);
        assertSame(forwarder.block, block, "allocation is forwarded while this node is not active");

        forwarder.active = true;
        assertEquals(Errors.NONE, service.allocateProducerIds(1).get(10, TimeUnit.SECONDS).error());
        assertEquals(1, forwarder.creations.size(), "the active node created nothing through the forwarder");
    }

    @Test
    void aForwardedDeletionOrAdditionIsAnsweredOnlyOnceTheLocalImageShowsIt() throws Exception {
        forwarder.active = true;
        UUID id = service.createTopics(List.of(NewTopic.withDefaults("t")), false).get(10, TimeUnit.SECONDS).get(0).topicId();
        forwarder.active = false;

        CompletableFuture<List<CreatePartitionsResult>> grow = service.createPartitions(List.of(new NewPartitions("t", 3)), false);
        forwarder.additions.get(0).complete(List.of(new CreatePartitionsResult("t", Errors.NONE, null)));
        assertFalse(grow.isDone(), "topic t has one partition in this node's image");
        forwarder.active = true;
        assertEquals(Errors.NONE, service.createPartitions(List.of(new NewPartitions("t", 3)), false)
            .get(10, TimeUnit.SECONDS).get(0).error());
        forwarder.active = false;
        assertEquals(Errors.NONE, grow.get(10, TimeUnit.SECONDS).get(0).error());
        assertEquals(3, service.image().topic("t").partitionCount());

        CompletableFuture<List<DeleteTopicResult>> delete = service.deleteTopics(List.of(TopicRef.byName("t")));
        forwarder.deletions.get(0).complete(List.of(new DeleteTopicResult("t", id, Errors.NONE, null)));
        assertFalse(delete.isDone(), "topic t is still in this node's image");
        forwarder.active = true;
        service.deleteTopics(List.of(TopicRef.byId(id))).get(10, TimeUnit.SECONDS);
        assertEquals(id, delete.get(10, TimeUnit.SECONDS).get(0).topicId());

        CompletableFuture<List<DeleteTopicResult>> unknown = new CompletableFuture<>();
        forwarder.active = false;
        service.deleteTopics(List.of(TopicRef.byName("nope"))).whenComplete((r, e) -> unknown.complete(r));
        forwarder.deletions.get(1).complete(List.of(new DeleteTopicResult("nope", null, Errors.UNKNOWN_TOPIC_OR_PARTITION, "no")));
        assertTrue(unknown.isDone(), "a refused deletion waits for nothing");
    }

    private static CreateTopicResult result(String name, UUID id) {
        return new CreateTopicResult(name, Errors.NONE, null, id, 1, (short) 1, Map.of());
    }

    private static final class FakeForwarder implements ControllerService.Forwarder {
        volatile boolean active;
        final List<CompletableFuture<List<CreateTopicResult>>> creations = new ArrayList<>();
        final List<CompletableFuture<List<DeleteTopicResult>>> deletions = new ArrayList<>();
        final List<CompletableFuture<List<CreatePartitionsResult>>> additions = new ArrayList<>();
        final CompletableFuture<ProducerIdBlock> block = new CompletableFuture<>();

        @Override
        public boolean isActive() {
            return active;
        }

        @Override
        public CompletableFuture<ProducerIdBlock> allocateProducerIds(int nodeId) {
            return block;
        }

        @Override
        public CompletableFuture<List<CreateTopicResult>> createTopics(List<NewTopic> topics, boolean validateOnly) {
            CompletableFuture<List<CreateTopicResult>> f = new CompletableFuture<>();
            creations.add(f);
            return f;
        }

        @Override
        public CompletableFuture<List<DeleteTopicResult>> deleteTopics(List<TopicRef> topics) {
            CompletableFuture<List<DeleteTopicResult>> f = new CompletableFuture<>();
            deletions.add(f);
            return f;
        }

        @Override
        public CompletableFuture<List<CreatePartitionsResult>> createPartitions(List<NewPartitions> topics, boolean validateOnly) {
            CompletableFuture<List<CreatePartitionsResult>> f = new CompletableFuture<>();
            additions.add(f);
            return f;
        }
    }
}
