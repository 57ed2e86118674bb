package io.varve.testkit.faults.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The committed offsets of one consumer group, as its members saw them: every commit the coordinator
 * acknowledged, and the position each member started from when it was assigned a partition (the
 * group's committed offset, fetched from the coordinator). The rule: a committed offset never goes
 * back. A member must start at or past the highest commit acknowledged before its assignment, and
 * the group's final committed offsets must be at or past the highest ever acknowledged.
 *
 * <p>Thread-safe: the group's members record from their own threads.
 */
public final class CommitHistory {

    private final Map<Integer, Long> highestAcked = new HashMap<>();
    private final List<String> anomalies = new ArrayList<>();
    private int commits;
    private int resumes;

    /** The coordinator acknowledged a commit of {@code offsets} (partition to next offset to read). */
    public synchronized void onCommitted(String member, Map<Integer, Long> offsets) {
        commits++;
        offsets.forEach((p, o) -> highestAcked.merge(p, o, Math::max));
    }

    /** {@code member} was assigned {@code partition} and starts reading at {@code position}. */
    public synchronized void onResumed(String member, int partition, long position) {
        resumes++;
        Long acked = highestAcked.get(partition);
        if (acked != null && position < acked) {
            anomalies.add(member + " resumed partition " + partition + " at " + position
                + ", behind the acknowledged commit " + acked);
        }
    }

    /** Compares the group's committed offsets at the end with the highest acknowledged ones. */
    public synchronized void onFinal(Map<Integer, Long> committed) {
        new TreeMap<>(highestAcked).forEach((p, acked) -> {
            Long last = committed.get(p);
            if (last == null || last < acked) {
                anomalies.add("partition " + p + " ends committed at " + last + ", behind the acknowledged commit " + acked);
            }
        });
    }

    public synchronized int commits() {
        return commits;
    }

    public synchronized int resumes() {
        return resumes;
    }

    public synchronized List<String> anomalies() {
        return List.copyOf(anomalies);
    }

    /** Fails unless some commit was acknowledged (else nothing was checked) and no committed offset went back. */
    public synchronized void assertClean() {
        if (commits == 0) {
            throw new AssertionError("no commit was acknowledged: a commit history with nothing in it proves nothing");
        }
        if (!anomalies.isEmpty()) {
            throw new AssertionError(anomalies.size() + " committed offsets went back (" + commits + " commits acknowledged, "
                + resumes + " resumes): " + anomalies.subList(0, Math.min(10, anomalies.size())));
        }
    }

    @Override
    public synchronized String toString() {
        return commits + " commits acknowledged, " + resumes + " resumes checked, " + anomalies.size()
            + " committed offsets gone back; highest acknowledged " + new TreeMap<>(highestAcked);
    }
}
