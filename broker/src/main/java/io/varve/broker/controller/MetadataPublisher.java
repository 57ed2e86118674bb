package io.varve.broker.controller;

import io.varve.raft.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The one home of a node's {@link MetadataImage} (DESIGN §5): fed by whichever source this node has,
 * the local controller when it is a voter ({@link ControllerService} publishes each image it
 * applied) or the metadata follower on a broker-only node (State Watch), and read by the broker role:
 * the replica manager, the group coordinator and the request handlers subscribe here. There is no
 * other copy of the image to fall out of step with.
 *
 * <p>Publishing is serial: a subscriber sees every image in order, one call at a time, on the
 * publishing thread, and must not block. {@link #subscribe} hands the current image first, under the
 * same lock, so a subscriber never misses one between reading the image and subscribing.
 *
 * <p>Thread-safe.
 */
public final class MetadataPublisher implements Consumer<MetadataImage> {

    /** How long {@link #awaitImage} waits for an image that satisfies its condition. */
    static final long IMAGE_WAIT_MS = 10_000;
    /** Callers waiting for an image at once; more are answered with the current image. */
    static final int MAX_IMAGE_WAITERS = 1024;

    private final Object lock = new Object();
    private final List<Consumer<MetadataImage>> subscribers = new ArrayList<>();
    private final Queue<ImageWaiter> waiters = new ConcurrentLinkedQueue<>();
    private volatile MetadataImage image;

    /** @param initial the image before the source published anything (the empty image of the cluster, or a replayed one) */
    public MetadataPublisher(MetadataImage initial) {
        this.image = Objects.requireNonNull(initial, "initial");
    }

    /** The last image published. */
    public MetadataImage image() {
        return image;
    }

    /**
     * Publishes {@code next} to every subscriber, in subscription order, then makes it the current
     * image and completes the waiters it satisfies. The same image twice is published once. A
     * subscriber that throws (applying it to the logs failed) stops the publication, the image stays
     * the previous one, and the exception goes to the source, which publishes it again later.
     */
    @Override
    public void accept(MetadataImage next) {
        Objects.requireNonNull(next, "next");
        synchronized (lock) {
            if (next == image) {
                return;
            }
            for (Consumer<MetadataImage> s : subscribers) {
                s.accept(next);
            }
            // only once every subscriber has it: after a failure the same image is published again
            image = next;
        }
        for (ImageWaiter waiter : waiters) {
            waiter.check(next);
        }
    }

    /**
     * Hands {@code subscriber} the current image, then every later one.
     *
     * @return closes the subscription: once it returns, the subscriber is never called again (a
     *         publication in progress is waited for)
     */
    public AutoCloseable subscribe(Consumer<MetadataImage> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        synchronized (lock) {
            subscriber.accept(image);
            subscribers.add(subscriber);
        }
        return () -> {
            synchronized (lock) {
                subscribers.remove(subscriber);
            }
        };
    }

    /**
     * Completes with the first published image that satisfies {@code condition} (perhaps the current
     * one), or with the latest after {@link #IMAGE_WAIT_MS}; at most {@link #MAX_IMAGE_WAITERS} wait
     * at once, the rest are answered with the current image.
     */
    public CompletableFuture<MetadataImage> awaitImage(Predicate<MetadataImage> condition) {
        CompletableFuture<MetadataImage> done = new CompletableFuture<>();
        if (waiters.size() >= MAX_IMAGE_WAITERS) {
            return CompletableFuture.completedFuture(image);
        }
        ImageWaiter waiter = new ImageWaiter(condition, done);
        waiters.add(waiter);
        waiter.check(image); // it may already be there
        return done.completeOnTimeout(image, IMAGE_WAIT_MS, TimeUnit.MILLISECONDS)
            .whenComplete((i, error) -> waiters.remove(waiter));
    }

    private record ImageWaiter(Predicate<MetadataImage> condition, CompletableFuture<MetadataImage> done) {
        void check(MetadataImage image) {
            if (!done.isDone() && condition.test(image)) {
                done.complete(image);
            }
        }
    }
}
