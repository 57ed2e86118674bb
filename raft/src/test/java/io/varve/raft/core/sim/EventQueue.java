package io.varve.raft.core.sim;

import java.util.PriorityQueue;

/**
 * The simulation's one clock and agenda: events ordered by simulated time, ties broken by the order
 * they were scheduled, so that a seed always yields the same trace. Bounded. Not thread-safe.
 */
final class EventQueue {

    /** Something to do at {@code timeNs}. */
    interface Action {
        void run();
    }

    private record Event(long timeNs, long seq, Action action) {
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.timeNs != b.timeNs
        ? Long.compare(a.timeNs, b.timeNs) : Long.compare(a.seq, b.seq));
    private final int maxPending;
    private long seq;
    private long nowNs;

    EventQueue(int maxPending) {
        this.maxPending = maxPending;
    }

    long nowNs() {
        return nowNs;
    }

    void at(long timeNs, Action action) {
        if (queue.size() >= maxPending) {
            throw new IllegalStateException("more than " + maxPending + " events pending");
        }
        queue.add(new Event(Math.max(timeNs, nowNs), seq++, action));
    }

    void after(long delayNs, Action action) {
        at(nowNs + delayNs, action);
    }

    /** Runs the next event; false when there is none or it is past {@code untilNs}. */
    boolean runNext(long untilNs) {
        Event next = queue.peek();
        if (next == null || next.timeNs > untilNs) {
            return false;
        }
        queue.poll();
        nowNs = next.timeNs;
        next.action.run();
        return true;
    }
}
