package io.varve.broker.purgatory;

import java.util.PriorityQueue;

/**
 * A {@link DelayScheduler} driven by hand, for tests and deterministic simulation: time stands
 * still until {@link #advance(long)}, which runs the tasks that fell due, in deadline order (ties
 * in scheduling order), on the calling thread. Thread-safe; tasks run outside the lock.
 */
public final class ManualDelayScheduler implements DelayScheduler {

    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long nowMs;
    private long sequence;

    @Override
    public synchronized Cancellable schedule(long delayMs, Runnable task) {
        if (delayMs < 0) {
            throw new IllegalArgumentException("delayMs " + delayMs);
        }
        Task t = new Task(nowMs + delayMs, sequence++, task);
        tasks.add(t);
        return () -> cancel(t);
    }

    private synchronized void cancel(Task t) {
        tasks.remove(t);
    }

    /** Moves time forward by {@code ms} and runs every task due by then. Returns how many ran. */
    public int advance(long ms) {
        long target;
        synchronized (this) {
            target = nowMs + ms;
        }
        int ran = 0;
        while (true) {
            Task due;
            synchronized (this) {
                Task head = tasks.peek();
                if (head == null || head.deadlineMs > target) {
                    nowMs = target;
                    return ran;
                }
                due = tasks.poll();
                nowMs = due.deadlineMs;
            }
            due.task.run();
            ran++;
        }
    }

    public synchronized long nowMs() {
        return nowMs;
    }

    /** Tasks scheduled and neither run nor cancelled. */
    public synchronized int pending() {
        return tasks.size();
    }

    private record Task(long deadlineMs, long seq, Runnable task) implements Comparable<Task> {
        @Override
        public int compareTo(Task o) {
            int c = Long.compare(deadlineMs, o.deadlineMs);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
