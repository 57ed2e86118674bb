package io.varve.broker.purgatory;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where {@link DelayedOperation}s wait (pattern: Request Waiting List). An operation is watched
 * under one or more keys (a partition, a group); an event on a key ({@link #checkAndComplete}) tries
 * the operations watching it; a timer from the injected {@link DelayScheduler} expires those whose
 * condition never came. An operation that completes by any path leaves every key's watch list and
 * frees its place, so the lists only hold live operations.
 *
 * <p>The number of operations watched at once is bounded: {@link #tryCompleteElseWatch} refuses with
 * {@link WatchResult#FULL} rather than grow, and the caller answers the request at once (for example
 * with what it has, or a retriable error).
 *
 * <p>Thread-safe: any thread may watch and check. Operations complete on the thread that found them
 * completable or on the scheduler's thread.
 *
 * @param <K> the key type; keys must have value equality
 */
public final class DelayedOperationPurgatory<K> {

    /** The outcome of {@link #tryCompleteElseWatch}. */
    public enum WatchResult {
        /** The operation completed without waiting. */
        COMPLETED,
        /**
         * The operation was watched: it completes on an event on one of its keys or at its deadline,
         * possibly before this call returns.
         */
        WATCHING,
        /** {@code maxWatched} operations are waiting; the operation was not watched and is not complete. */
        FULL
    }

    private final String name;
    private final DelayScheduler scheduler;
    private final int maxWatched;
    private final ConcurrentHashMap<K, ConcurrentLinkedQueue<DelayedOperation>> watchers = new ConcurrentHashMap<>();
    private final AtomicInteger watched = new AtomicInteger();

    public DelayedOperationPurgatory(String name, DelayScheduler scheduler, int maxWatched) {
        if (maxWatched < 1) {
            throw new IllegalArgumentException("maxWatched " + maxWatched);
        }
        this.name = name;
        this.scheduler = scheduler;
        this.maxWatched = maxWatched;
    }

    /**
     * Completes {@code op} now if it can; otherwise watches it under {@code keys} until an event on
     * one of them completes it or {@link DelayedOperation#delayMs()} passes.
     *
     * @param keys at least one key
     */
    public WatchResult tryCompleteElseWatch(DelayedOperation op, Collection<K> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("an operation needs a key to be watched under");
        }
        if (op.safeTryComplete()) {
            return WatchResult.COMPLETED;
        }
        if (!reserve()) {
            return WatchResult.FULL;
        }
        List<K> watchKeys = List.copyOf(keys);
        if (!op.attach(() -> onCompleted(op, watchKeys))) {
            // Completed from outside since the first try: the hook will never run.
            watched.decrementAndGet();
            return WatchResult.COMPLETED;
        }
        for (K key : watchKeys) {
            watchers.compute(key, (k, queue) -> {
                ConcurrentLinkedQueue<DelayedOperation> q = queue == null ? new ConcurrentLinkedQueue<>() : queue;
                q.add(op);
                return q;
            });
        }
        // An event may have come between the first try and the watch: try once more.
        if (op.safeTryComplete()) {
            return WatchResult.COMPLETED;
        }
        if (op.isCompleted()) {
            // Forced from outside while being added: its hook may have run before the adds.
            unwatch(op, watchKeys);
            return WatchResult.COMPLETED;
        }
        DelayScheduler.Cancellable timeout = scheduler.schedule(op.delayMs(), op::expire);
        op.timeout = timeout;
        if (op.isCompleted()) {
            // Completed (or even expired) while the timer was being set: the hook saw no timer.
            timeout.cancel();
        }
        return WatchResult.WATCHING;
    }

    /**
     * Tries every operation watching {@code key}: call it when something that key stands for changed
     * (the high-water mark moved, data was appended). Returns how many this call completed.
     */
    public int checkAndComplete(K key) {
        ConcurrentLinkedQueue<DelayedOperation> queue = watchers.get(key);
        if (queue == null) {
            return 0;
        }
        int completed = 0;
        for (Iterator<DelayedOperation> it = queue.iterator(); it.hasNext(); ) {
            DelayedOperation op = it.next();
            if (op.isCompleted()) {
                it.remove();
            } else if (op.safeTryComplete()) {
                completed++;
            }
        }
        removeIfEmpty(key);
        return completed;
    }

    /** Operations waiting now. */
    public int watched() {
        return watched.get();
    }

    /** Operations waiting under {@code key} now. */
    public int watching(K key) {
        ConcurrentLinkedQueue<DelayedOperation> queue = watchers.get(key);
        return queue == null ? 0 : (int) queue.stream().filter(op -> !op.isCompleted()).count();
    }

    /** Keys with at least one watch list (live operations, or a list about to be dropped). */
    public int keys() {
        return watchers.size();
    }

    public String name() {
        return name;
    }

    private boolean reserve() {
        while (true) {
            int n = watched.get();
            if (n >= maxWatched) {
                return false;
            }
            if (watched.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** The completion hook: frees the place, cancels the timer and leaves every watch list. */
    private void onCompleted(DelayedOperation op, List<K> keys) {
        watched.decrementAndGet();
        DelayScheduler.Cancellable timeout = op.timeout;
        if (timeout != null) {
            timeout.cancel();
        }
        unwatch(op, keys);
    }

    private void unwatch(DelayedOperation op, List<K> keys) {
        for (K key : keys) {
            ConcurrentLinkedQueue<DelayedOperation> queue = watchers.get(key);
            if (queue != null) {
                queue.remove(op);
                removeIfEmpty(key);
            }
        }
    }

    private void removeIfEmpty(K key) {
        // Under the map's bin lock, so a concurrent watch cannot add to a list being dropped.
        watchers.computeIfPresent(key, (k, queue) -> queue.isEmpty() ? null : queue);
    }

    @Override
    public String toString() {
        return "DelayedOperationPurgatory{" + name + ", watched=" + watched() + "/" + maxWatched + ", keys=" + keys() + '}';
    }
}
