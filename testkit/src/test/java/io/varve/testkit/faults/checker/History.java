package io.varve.testkit.faults.checker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every record a workload sent and every answer it got: for an acknowledgement the partition and
 * offset the broker returned, for a failure the error. Values are unique ({@link #value}: the writer's
 * id and its own sequence), so a value read back names exactly one send. A record with neither answer
 * is still in flight (or was abandoned when its producer closed): it may or may not be in the log.
 *
 * <p>Thread-safe: producer callbacks record answers from their I/O threads while writers record sends.
 */
public final class History {

    /** One send: {@code writer} (a producer instance of the workload) and its {@code sequence}, 0, 1, 2, ... */
    public record Sent(String value, int writer, long sequence, String key, int partition) {
    }

    /** Where the broker said an acknowledged record is. */
    public record Ack(int partition, long offset) {
    }

    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private final Map<String, Ack> acked = new ConcurrentHashMap<>();
    private final Map<String, String> failed = new ConcurrentHashMap<>();
    /** Answers that cannot be: an acknowledgement of a value never sent, or a second one that differs. */
    private final List<String> impossibleAnswers = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong sends = new AtomicLong();

    /** The value of writer {@code writer}'s record number {@code sequence}: unique across a run. */
    public static String value(int writer, long sequence) {
        return "w" + writer + "-" + sequence;
    }

    /** Records a send before it is handed to the producer, so that an answer always finds it. */
    public Sent onSend(int writer, long sequence, String key, int partition) {
        Sent s = new Sent(value(writer, sequence), writer, sequence, key, partition);
        if (sent.putIfAbsent(s.value(), s) != null) {
            throw new IllegalStateException("value sent twice: " + s.value()); // a workload bug, not the broker's
        }
        sends.incrementAndGet();
        return s;
    }

    /** The broker acknowledged {@code value} at {@code partition}/{@code offset}. */
    public void onAck(String value, int partition, long offset) {
        if (!sent.containsKey(value)) {
            impossibleAnswers.add("acknowledgement of " + value + ", never sent, at " + partition + "/" + offset);
            return;
        }
        Ack ack = new Ack(partition, offset);
        Ack before = acked.putIfAbsent(value, ack);
        if (before != null && !before.equals(ack)) {
            impossibleAnswers.add(value + " acknowledged at " + before + " and again at " + ack);
        }
        if (failed.containsKey(value)) {
            impossibleAnswers.add(value + " acknowledged at " + ack + " after it failed: " + failed.get(value));
        }
    }

    /** The send of {@code value} failed (delivery timeout, producer closed, ...): it may still be in the log. */
    public void onFailure(String value, Exception error) {
        failed.putIfAbsent(value, String.valueOf(error));
        if (acked.containsKey(value)) {
            impossibleAnswers.add(value + " failed after it was acknowledged at " + acked.get(value) + ": " + error);
        }
    }

    /** The send of {@code value}, or null if the workload never sent it. */
    public Sent sent(String value) {
        return sent.get(value);
    }

    /** Where {@code value} was acknowledged, or null. */
    public Ack ack(String value) {
        return acked.get(value);
    }

    /** Every acknowledged value and where; a snapshot. */
    public Map<String, Ack> acknowledged() {
        return Map.copyOf(acked);
    }

    public long sentCount() {
        return sends.get();
    }

    public int acknowledgedCount() {
        return acked.size();
    }

    public int failedCount() {
        return failed.size();
    }

    /** The first {@code count} failed sends (value and error), by value. */
    public List<String> failureExamples(int count) {
        return new java.util.TreeMap<>(failed).entrySet().stream().limit(count)
            .map(e -> e.getKey() + ": " + e.getValue()).toList();
    }

    /** Answers no broker should give (see {@link #onAck}); a snapshot. */
    public List<String> impossibleAnswers() {
        synchronized (impossibleAnswers) {
            return List.copyOf(impossibleAnswers);
        }
    }

    /** The highest acknowledged offset of each partition, which a complete read must reach; a snapshot. */
    public Map<Integer, Long> highestAckedOffsets() {
        Map<Integer, Long> highest = new java.util.HashMap<>();
        acked.values().forEach(a -> highest.merge(a.partition(), a.offset(), Math::max));
        return highest;
    }
}
