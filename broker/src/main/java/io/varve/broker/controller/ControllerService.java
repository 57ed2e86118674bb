package io.varve.broker.controller;

import io.varve.raft.controller.Controller;
import io.varve.raft.controller.ControllerReply;
import io.varve.raft.controller.ProducerIdBlock;
import io.varve.raft.metadata.MetadataImage;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;
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
    private volatile Forwarder forwarder;

    /**
     * Where commands go when this node's controller is not the active one. Only commands that a
     * client cannot route to the active controller itself are forwarded: producer-id allocation
     * (InitProducerId reaches any broker). Admin requests reach the controller that Metadata names.
     */
    public interface Forwarder {
        /** Whether this node's controller is the active one (commands run here). */
        boolean isActive();

        CompletableFuture<ProducerIdBlock> allocateProducerIds(int nodeId);
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
                    ControllerReply<R> reply = command.apply(controller);
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

    private void publish(MetadataImage image) {
        if (image != published) {
            publisher.accept(image);
            published = image;
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
