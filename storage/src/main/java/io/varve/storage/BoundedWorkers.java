package io.varve.storage;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action on every item of several groups (one group per log directory) through an
 * {@link Executor} it does not own, with at most {@code perGroupLimit} items of a group in flight at
 * once, and waits for all of it.
 *
 * <p>The bound comes from the shape of the work, not from the executor: each group gets at most
 * {@code perGroupLimit} worker tasks, and each worker takes the group's items one by one from a
 * shared queue. So a large pool cannot open more than the limit of a directory's partitions at once,
 * and a direct executor ({@code Runnable::run}) simply does everything on the calling thread. When
 * the executor refuses a worker (it is shut down or saturated) the worker runs on the calling thread.
 *
 * <p>The executor must not be one whose every thread waits on this call, or it never finishes.
 * Stateless; every {@link #run} is independent and may be called from any thread.
 */
final class BoundedWorkers {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedWorkers.class);

    /** The work done on one item. */
    @FunctionalInterface
    interface Action<T> {
        void accept(T item) throws Exception;
    }

    /** An item whose action threw. */
    record Failure<T>(T item, Throwable cause) {
    }

    private BoundedWorkers() {
    }

    /**
     * Runs {@code action} on every item and returns once no worker is running.
     *
     * @param stopOnFailure whether the first failure stops the workers from taking more items
     *                      (items in flight still finish)
     * @return the failures, in the order they happened; empty when every action succeeded
     * @throws InterruptedIOException when the calling thread was interrupted while waiting (its
     *                                interrupt flag is set again); the workers take no more items,
     *                                and those in flight have finished
     */
    static <T> List<Failure<T>> run(Executor executor, Collection<? extends Collection<T>> groups, int perGroupLimit,
                                    boolean stopOnFailure, Action<T> action) throws InterruptedIOException {
        if (perGroupLimit < 1) {
            throw new IllegalArgumentException("perGroupLimit must be at least 1: " + perGroupLimit);
        }
        Queue<Failure<T>> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Runnable> workers = new ArrayList<>();
        for (Collection<T> group : groups) {
            Queue<T> queue = new ConcurrentLinkedQueue<>(group);
            for (int i = 0; i < Math.min(perGroupLimit, group.size()); i++) {
                workers.add(() -> drain(queue, stop, stopOnFailure, action, failures));
            }
        }
        CountDownLatch done = new CountDownLatch(workers.size());
        for (Runnable worker : workers) {
            Runnable counted = () -> {
                try {
                    worker.run();
                } finally {
                    done.countDown();
                }
            };
            try {
                executor.execute(counted);
            } catch (RejectedExecutionException e) {
                LOG.warn("executor refused a worker ({}); running it on the calling thread", e.toString());
                counted.run();
            }
        }
        awaitAll(done, stop);
        return List.copyOf(failures);
    }

    private static <T> void drain(Queue<T> queue, AtomicBoolean stop, boolean stopOnFailure, Action<T> action,
                                  Queue<Failure<T>> failures) {
        while (!stop.get()) {
            T item = queue.poll();
            if (item == null) {
                return;
            }
            try {
                action.accept(item);
            } catch (Throwable t) {
                failures.add(new Failure<>(item, t));
                if (stopOnFailure) {
                    stop.set(true);
                }
            }
        }
    }

    /** Waits for every worker; an interrupt stops them taking items, and still waits for those in flight. */
    private static void awaitAll(CountDownLatch done, AtomicBoolean stop) throws InterruptedIOException {
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                stop.set(true);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for partition work; in-flight items finished");
        }
    }
}
