package io.varve.broker.controller;

import io.varve.raft.controller.Controller;
import io.varve.raft.controller.ControllerReply;
import io.varve.raft.controller.CreatePartitionsResult;
import io.varve.raft.controller.CreateTopicResult;
import io.varve.raft.controller.DeleteTopicResult;
import io.varve.raft.controller.NewPartitions;
import io.varve.raft.controller.NewTopic;
import io.varve.raft.controller.ProducerIdBlock;
import io.varve.raft.controller.TopicRef;
import io.varve.raft.metadata.MetadataImage;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's Singular Update Queue: one thread owns the {@link Controller} and runs commands
 * in arrival order from a bounded queue. After each command that changed the metadata, the new
 * image is published (the broker opens or deletes logs to match) before the command's future
 * completes, so a client that created a topic can produce to it at once.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread; a full queue fails the command
 * with {@link ControllerBusyException} instead of blocking an event loop.
 */
public final class ControllerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerService.class);

    /** Commands waiting for the controller thread; beyond this, callers are told to retry. */
    public static final int MAX_QUEUED_COMMANDS = 1024;

    private final Controller controller;
    private final Consumer<MetadataImage> publisher;
    private final ThreadPoolExecutor loop;
    private final IntSupplier activeController;
    private final AtomicBoolean catchUpQueued = new AtomicBoolean();
    private volatile MetadataImage published;
    private volatile LongConsumer commitListener = nanos -> { };
    private volatile Forwarder forwarder;
    private final Queue<ImageWaiter> imageWaiters = new ConcurrentLinkedQueue<>();

    /** How long a forwarded command waits for its result to reach this node's image. */
    static final long IMAGE_WAIT_MS = 10_000;
    /** Requests waiting for an image at once; more are answered without waiting. */
    static final int MAX_IMAGE_WAITERS = 1024;

    /**
     * Where commands go when this node's controller is not the active one: producer-id allocation
     * (InitProducerId reaches any broker), topic creation (CreateTopics, auto-creation on Metadata),
     * and DeleteTopics and CreatePartitions (a client sends them to the controller Metadata names,
     * but a stale metadata cache, or a tool bootstrapped from one broker, reaches any node).
     */
    public interface Forwarder {
        /** Whether this node's controller is the active one (commands run here). */
        boolean isActive();

        CompletableFuture<ProducerIdBlock> allocateProducerIds(int nodeId);

        CompletableFuture<List<CreateTopicResult>> createTopics(List<NewTopic> topics, boolean validateOnly);

        CompletableFuture<List<DeleteTopicResult>> deleteTopics(List<TopicRef> topics);

        CompletableFuture<List<CreatePartitionsResult>> createPartitions(List<NewPartitions> topics, boolean validateOnly);
    }

    /**
     * A controller of a one-voter quorum: it is always the active controller.
     *
     * @param publisher called on the controller thread with each new image, in order
     */
    public ControllerService(Controller controller, int nodeId, Consumer<MetadataImage> publisher) {
        this(controller, () -> nodeId, publisher);
    }

    /**
     * @param activeController the id of the active controller as this node knows it, or -1
     * @param publisher        called on the controller thread with each new image, in order
     */
    public ControllerService(Controller controller, IntSupplier activeController, Consumer<MetadataImage> publisher) {
        this.controller = controller;
        this.activeController = activeController;
        this.publisher = publisher;
        this.published = controller.image();
        this.loop = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_COMMANDS), r -> {
                Thread t = new Thread(r, "varve-controller");
                t.setDaemon(true);
                return t;
            });
    }

    /** Sends commands that must reach the active controller through {@code forwarder} while this node is not it. */
    public void forwardTo(Forwarder forwarder) {
        this.forwarder = forwarder;
    }

    /** A block of producer ids for broker {@code nodeId}, from the active controller wherever it is. */
    public CompletableFuture<ProducerIdBlock> allocateProducerIds(int nodeId) {
        Forwarder f = forwarder;
        if (f != null && !f.isActive()) {
            return f.allocateProducerIds(nodeId);
        }
        return submit(c -> c.allocateProducerIds(nodeId));
    }

    /**
     * Creates topics on the active controller wherever it is. A forwarded creation is answered once
     * this node's published image holds every created topic (bounded by {@link #IMAGE_WAIT_MS}), so a
     * client that created a topic through this broker finds it here at once.
     */
    public CompletableFuture<List<CreateTopicResult>> createTopics(List<NewTopic> topics, boolean validateOnly) {
        Forwarder f = forwarder;
        if (f == null || f.isActive()) {
            return submit(c -> c.createTopics(topics, validateOnly));
        }
        return f.createTopics(topics, validateOnly).thenCompose(results -> {
            if (validateOnly) {
                return CompletableFuture.completedFuture(results);
            }
            List<java.util.UUID> created = results.stream().filter(r -> r.error() == io.varve.protocol.Errors.NONE)
                .map(CreateTopicResult::topicId).toList();
            return awaitImage(image -> created.stream().allMatch(id -> image.topic(id) != null)).thenApply(image -> results);
        });
    }

    /**
     * Deletes topics on the active controller wherever it is. A forwarded deletion is answered once
     * this node's published image no longer holds any deleted topic (bounded by {@link #IMAGE_WAIT_MS}).
     */
    public CompletableFuture<List<DeleteTopicResult>> deleteTopics(List<TopicRef> topics) {
        Forwarder f = forwarder;
        if (f == null || f.isActive()) {
            return submit(c -> c.deleteTopics(topics));
        }
        return f.deleteTopics(topics).thenCompose(results -> {
            List<java.util.UUID> deleted = results.stream()
                .filter(r -> r.error() == io.varve.protocol.Errors.NONE && r.topicId() != null)
                .map(DeleteTopicResult::topicId).toList();
            return awaitImage(image -> deleted.stream().allMatch(id -> image.topic(id) == null)).thenApply(image -> results);
        });
    }

    /**
     * Adds partitions on the active controller wherever it is. A forwarded addition is answered once
     * this node's published image holds every new partition (bounded by {@link #IMAGE_WAIT_MS}).
     */
    public CompletableFuture<List<CreatePartitionsResult>> createPartitions(List<NewPartitions> topics, boolean validateOnly) {
        Forwarder f = forwarder;
        if (f == null || f.isActive()) {
            return submit(c -> c.createPartitions(topics, validateOnly));
        }
        return f.createPartitions(topics, validateOnly).thenCompose(results -> {
            if (validateOnly) {
                return CompletableFuture.completedFuture(results);
            }
            java.util.Map<String, Integer> grown = new java.util.HashMap<>();
            for (int i = 0; i < results.size() && i < topics.size(); i++) {
                if (results.get(i).error() == io.varve.protocol.Errors.NONE) {
                    grown.put(topics.get(i).topic(), topics.get(i).totalCount());
                }
            }
            return awaitImage(image -> grown.entrySet().stream().allMatch(e -> image.topic(e.getKey()) != null
                && image.topic(e.getKey()).partitionCount() >= e.getValue())).thenApply(image -> results);
        });
    }

    /**
     * Completes with the first published image that satisfies {@code condition}, or with the latest
     * one after {@link #IMAGE_WAIT_MS}; at most {@link #MAX_IMAGE_WAITERS} wait at once.
     */
    CompletableFuture<MetadataImage> awaitImage(Predicate<MetadataImage> condition) {
        CompletableFuture<MetadataImage> done = new CompletableFuture<>();
        ImageWaiter waiter = new ImageWaiter(condition, done);
        if (imageWaiters.size() >= MAX_IMAGE_WAITERS) {
            return CompletableFuture.completedFuture(published);
        }
        imageWaiters.add(waiter);
        waiter.check(published); // it may already be there
        return done.completeOnTimeout(published, IMAGE_WAIT_MS, TimeUnit.MILLISECONDS)
            .whenComplete((image, error) -> imageWaiters.remove(waiter));
    }

    private record ImageWaiter(Predicate<MetadataImage> condition, CompletableFuture<MetadataImage> done) {
        void check(MetadataImage image) {
            if (!done.isDone() && condition.test(image)) {
                done.complete(image);
            }
        }
    }

    /** The active controller's node id as this node knows it, or -1 while there is none. */
    public int activeControllerId() {
        return activeController.getAsInt();
    }

    /**
     * Asks the controller thread to apply records committed by the quorum (another leader's, or
     * ones this node's Raft log learned) and publish the image. Coalesced: at most one waits in the
     * queue. Never blocks; safe from the Raft thread.
     */
    public void requestCatchUp() {
        if (catchUpQueued.compareAndSet(false, true)) {
            submit(c -> {
                catchUpQueued.set(false);
                return new ControllerReply<>(null, c.catchUp());
            }).exceptionally(e -> {
                catchUpQueued.set(false);
                return null;
            });
        }
    }

    /** The last image published. */
    public MetadataImage image() {
        return published;
    }

    /**
     * Runs {@code command} on the controller thread; the future completes with its response after
     * the resulting image has been published.
     */
    public <R> CompletableFuture<R> submit(Function<Controller, ControllerReply<R>> command) {
        CompletableFuture<R> result = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    // Decide against everything committed, whoever committed it.
                    publish(controller.catchUp());
                    long startNs = System.nanoTime();
                    ControllerReply<R> reply = command.apply(controller);
                    if (reply.image() != published) {
                        commitListener.accept(System.nanoTime() - startNs); // records committed (local quorum append)
                    }
                    publish(reply.image());
                    result.complete(reply.response());
                } catch (RuntimeException | Error e) {
                    LOG.error("Controller command failed", e);
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new ControllerBusyException(MAX_QUEUED_COMMANDS));
        }
        return result;
    }

    /** Sets who is told how long each command that committed metadata records took (the commit timer). */
    public void onCommit(LongConsumer listener) {
        this.commitListener = Objects.requireNonNull(listener, "listener");
    }

    private void publish(MetadataImage image) {
        if (image != published) {
            publisher.accept(image);
            published = image;
            for (ImageWaiter waiter : imageWaiters) {
                waiter.check(image);
            }
        }
    }

    /** Stops taking commands and lets queued ones finish (bounded wait); the owner closes the controller. */
    @Override
    public void close() {
        loop.shutdown();
        try {
            if (!loop.awaitTermination(30, TimeUnit.SECONDS)) {
                loop.shutdownNow();
            }
        } catch (InterruptedException e) {
            loop.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The controller's queue is full: the caller should answer with a retriable error. */
    public static final class ControllerBusyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ControllerBusyException(int limit) {
            super("the controller has " + limit + " commands queued", null, false, false);
        }
    }
}
