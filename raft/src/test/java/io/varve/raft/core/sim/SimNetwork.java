package io.varve.raft.core.sim;

import io.varve.raft.core.RaftMessage;
import io.varve.raft.core.sim.SimStats.Counter;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The simulated network: each message is dropped, delayed (which reorders), or duplicated at the
 * rates set; partitions cut links. A partition is a set of blocked directed links, so symmetric
 * (two groups), asymmetric (one way only) and bridge (two groups that both reach one node)
 * partitions are all sets of links. Not thread-safe.
 */
final class SimNetwork {

    private static final long MS = 1_000_000L;
    /** Node ids run from 1 to below this: enough for the 3 or 5 voters a run draws. */
    private static final int MAX_IDS = 8;

    private final EventQueue events;
    private final Random random;
    private final Set<Long> blocked = new HashSet<>();
    private double dropRate;
    private double duplicateRate;
    private int maxDelayMs = 5;
    private final int maxInFlight;
    private int inFlight;
    private final SimStats stats;
    /** Per directed link: how many messages were sent, and the highest of those numbers delivered yet. */
    private final long[] sentOnLink = new long[MAX_IDS * MAX_IDS];
    private final long[] deliveredOnLink = new long[MAX_IDS * MAX_IDS];

    SimNetwork(EventQueue events, Random random, int maxInFlight, SimStats stats) {
        this.events = events;
        this.random = random;
        this.maxInFlight = maxInFlight;
        this.stats = stats;
    }

    void setFaults(double dropRate, double duplicateRate, int maxDelayMs) {
        this.dropRate = dropRate;
        this.duplicateRate = duplicateRate;
        this.maxDelayMs = maxDelayMs;
    }

    void heal() {
        blocked.clear();
        setFaults(0, 0, 5);
    }

    void block(int from, int to) {
        blocked.add(((long) from << 32) | to);
    }

    /** Two groups that cannot talk either way. */
    void partitionSymmetric(List<Integer> a, List<Integer> b) {
        stats.add(Counter.PARTITIONS);
        for (int x : a) {
            for (int y : b) {
                block(x, y);
                block(y, x);
            }
        }
    }

    /** {@code a} hears {@code b} but {@code b} never hears {@code a}. */
    void partitionAsymmetric(List<Integer> a, List<Integer> b) {
        stats.add(Counter.PARTITIONS);
        for (int x : a) {
            for (int y : b) {
                block(x, y);
            }
        }
    }

    /** Cuts {@code id} off from every other node in {@code ids}, both ways. */
    void isolate(int id, List<Integer> ids) {
        stats.add(Counter.PARTITIONS);
        for (int other : ids) {
            if (other != id) {
                block(id, other);
                block(other, id);
            }
        }
    }

    /** Reopens every link to and from {@code id}, whichever partition had cut it. */
    void rejoin(int id) {
        blocked.removeIf(link -> (int) (link >>> 32) == id || link.intValue() == id);
    }

    boolean isBlocked(int from, int to) {
        return blocked.contains(((long) from << 32) | to);
    }

    String describe() {
        return "blocked=" + blocked.size() + " drop=" + dropRate + " dup=" + duplicateRate + " delay<=" + maxDelayMs;
    }

    /** Sends {@code message}; {@code deliver} runs when (and each time) it arrives. */
    void send(RaftMessage message, Consumer<RaftMessage> deliver) {
        stats.add(Counter.MESSAGES_SENT);
        if (isBlocked(message.from(), message.to())) {
            stats.add(Counter.MESSAGES_CUT);
            return;
        }
        if (random.nextDouble() < dropRate || inFlight >= maxInFlight) {
            stats.add(Counter.MESSAGES_LOST);
            return;
        }
        int link = message.from() * MAX_IDS + message.to();
        long number = ++sentOnLink[link];
        schedule(message, link, number, deliver);
        if (random.nextDouble() < duplicateRate) {
            stats.add(Counter.MESSAGES_DUPLICATED);
            schedule(message, link, number, deliver);
        }
    }

    private void schedule(RaftMessage message, int link, long number, Consumer<RaftMessage> deliver) {
        long delayNs = MS / 10 + (long) (random.nextDouble() * maxDelayMs * MS);
        inFlight++;
        events.after(delayNs, () -> {
            inFlight--;
            if (isBlocked(message.from(), message.to())) {
                stats.add(Counter.MESSAGES_CUT);
                return;
            }
            stats.add(Counter.MESSAGES_DELIVERED);
            if (number < deliveredOnLink[link]) {
                stats.add(Counter.MESSAGES_REORDERED);
            } else {
                deliveredOnLink[link] = number;
            }
            deliver.accept(message);
        });
    }
}
