package io.varve.testkit.faults.checker;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link Checker} found: per partition and in total, how many records of each {@link Kind}, and
 * the first {@link #EXAMPLES} examples of each. Built by the checker, then immutable; thread-safe once
 * built.
 */
public final class CheckReport {

    /** The first this many examples of each kind are kept. */
    public static final int EXAMPLES = 5;

    /** What a record can be found to be; every kind but {@link #UNACKNOWLEDGED_PRESENT} is an anomaly. */
    public enum Kind {
        /** Acknowledged, and not read anywhere. */
        LOST(true),
        /** Read more than once (counted once per value). */
        DUPLICATED(true),
        /** Read after a record of the same writer with a higher sequence, in the same partition. */
        REORDERED(true),
        /** Acknowledged and never read at its acknowledged partition and offset, or read in a partition it was not sent to. */
        MOVED(true),
        /** Read, but no record with that value and key was ever sent. */
        CORRUPTED(true),
        /** Read, and never acknowledged (its send failed, or its answer never came): allowed, counted. */
        UNACKNOWLEDGED_PRESENT(false);

        private final boolean anomaly;

        Kind(boolean anomaly) {
            this.anomaly = anomaly;
        }

        public boolean isAnomaly() {
            return anomaly;
        }
    }

    private final Map<Integer, EnumMap<Kind, Integer>> byPartition = new TreeMap<>();
    private final EnumMap<Kind, Integer> totals = new EnumMap<>(Kind.class);
    private final EnumMap<Kind, List<String>> examples = new EnumMap<>(Kind.class);
    private final long sent;
    private final int acknowledged;
    private final int failed;
    private final int read;
    private final ReadBack readBack;
    private final List<String> impossibleAnswers;

    CheckReport(History history, ReadBack readBack) {
        this.sent = history.sentCount();
        this.acknowledged = history.acknowledgedCount();
        this.failed = history.failedCount();
        this.read = readBack.all().size();
        this.readBack = readBack;
        this.impossibleAnswers = history.impossibleAnswers();
        for (Kind kind : Kind.values()) {
            totals.put(kind, 0);
            examples.put(kind, new ArrayList<>());
        }
    }

    void add(Kind kind, int partition, String example) {
        byPartition.computeIfAbsent(partition, p -> new EnumMap<>(Kind.class)).merge(kind, 1, Integer::sum);
        totals.merge(kind, 1, Integer::sum);
        List<String> kept = examples.get(kind);
        if (kept.size() < EXAMPLES) {
            kept.add("partition " + partition + ": " + example);
        }
    }

    /** How many records of {@code kind} in all partitions. */
    public int count(Kind kind) {
        return totals.get(kind);
    }

    /** How many records of {@code kind} in {@code partition}. */
    public int count(Kind kind, int partition) {
        EnumMap<Kind, Integer> counts = byPartition.get(partition);
        return counts == null ? 0 : counts.getOrDefault(kind, 0);
    }

    /** The first few examples of {@code kind}. */
    public List<String> examples(Kind kind) {
        return List.copyOf(examples.get(kind));
    }

    public int acknowledged() {
        return acknowledged;
    }

    public int read() {
        return read;
    }

    /**
     * True when there is something to check (at least one acknowledgement: a check over nothing
     * proves nothing), the read reached every partition's end, no answer was impossible, and no
     * record is an anomaly.
     */
    public boolean isClean() {
        return problems().isEmpty();
    }

    /** Fails with this report unless {@link #isClean()}. */
    public void assertClean() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new AssertionError("the checker found " + String.join("; ", problems) + "\n" + this);
        }
    }

    private List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (acknowledged == 0) {
            problems.add("no acknowledged record: a history with nothing acknowledged proves nothing");
        }
        if (!readBack.complete()) {
            problems.add("an incomplete read (" + readBack.problem() + ")");
        }
        if (!impossibleAnswers.isEmpty()) {
            problems.add(impossibleAnswers.size() + " impossible answers to the producers");
        }
        for (Kind kind : Kind.values()) {
            if (kind.isAnomaly() && count(kind) > 0) {
                problems.add(count(kind) + " " + kind.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return problems;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append("sent ").append(sent).append(", acknowledged ").append(acknowledged).append(", failed ").append(failed)
            .append(", read ").append(read).append(readBack.complete() ? " (complete)" : " (INCOMPLETE: " + readBack.problem() + ")");
        for (Kind kind : Kind.values()) {
            s.append("\n  ").append(kind.name().toLowerCase(java.util.Locale.ROOT)).append(": ").append(count(kind));
            if (count(kind) > 0) {
                s.append(" (by partition");
                byPartition.forEach((p, counts) -> {
                    if (counts.getOrDefault(kind, 0) > 0) {
                        s.append(' ').append(p).append('=').append(counts.get(kind));
                    }
                });
                s.append(')');
                examples.get(kind).forEach(e -> s.append("\n    ").append(e));
            }
        }
        impossibleAnswers.stream().limit(EXAMPLES).forEach(a -> s.append("\n  impossible answer: ").append(a));
        return s.toString();
    }
}
