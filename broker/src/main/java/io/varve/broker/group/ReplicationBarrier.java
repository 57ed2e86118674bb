package io.varve.broker.group;

import io.varve.broker.network.ResponseCallback;
import io.varve.broker.replica.Partition;
import io.varve.broker.replica.ReplicationRules;
import io.varve.protocol.ErrorResponses;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.GeneratedMessage;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.IntFunction;

/**
 * Holds a group response until everything the coordinator wrote to its {@code __consumer_offsets}
 * partition before answering is replicated: the partition's high-water mark reached the end of the
 * coordinator's last write there. Kafka writes group records with {@code acks=-1} for the same reason:
 * an acknowledged offset commit or generation must survive the loss of the coordinator's node.
 *
 * <p>A held response whose partition is no longer led here is answered {@link Errors#NOT_COORDINATOR};
 * one still held after {@code offsets.commit.timeout.ms}, {@link Errors#COORDINATOR_NOT_AVAILABLE}
 * (both retriable: the client finds the coordinator again and retries). At most {@link #MAX_HELD} wait;
 * beyond that a response that would wait is answered COORDINATOR_NOT_AVAILABLE at once.
 *
 * <p>{@link ReplicationRules.Rule#GROUP_WRITES_WAIT_FOR_REPLICATION} is always kept but in a simulation
 * that plants issue 11's defect 3 (answer at once) to show that its invariant catches the loss.
 *
 * <p>Not thread-safe: the coordinator's loop thread only.
 */
final class ReplicationBarrier {

    /** Responses waiting for replication at once. */
    static final int MAX_HELD = 10_000;

    private final long timeoutMs;
    private final boolean waitForReplication;
    /** Per offsets partition: the log end after the coordinator's last write, or what it loaded. */
    private final long[] writtenEnd;
    private final ArrayDeque<Held> held = new ArrayDeque<>();

    private record Held(int[] partitions, long[] required, long deadlineMs, GeneratedMessage request, short version, GeneratedMessage response,
                        ResponseCallback done) {
    }

    ReplicationBarrier(int numPartitions, long timeoutMs, ReplicationRules rules) {
        this.writtenEnd = new long[numPartitions];
        this.timeoutMs = timeoutMs;
        this.waitForReplication = rules.follows(ReplicationRules.Rule.GROUP_WRITES_WAIT_FOR_REPLICATION);
    }

    /** The coordinator appended to {@code partition}; its records end before {@code endOffset}. */
    void written(int partition, long endOffset) {
        writtenEnd[partition] = Math.max(writtenEnd[partition], endOffset);
    }

    /**
     * The coordinator loaded {@code partition}, whose log ends at {@code logEndOffset}: what it serves now
     * came from all of that log, so answers wait until all of it is replicated. Forgets earlier writes (a
     * log truncated while led elsewhere may end below them).
     */
    void loaded(int partition, long logEndOffset) {
        writtenEnd[partition] = logEndOffset;
    }

    /** Whether responses are held (read only by the loop; the high-water-mark listener uses its own flag). */
    boolean isEmpty() {
        return held.isEmpty();
    }

    /**
     * Answers {@code response} to {@code request} through {@code done} now if the coordinator's writes to
     * each of {@code partitions} are replicated, else holds it.
     *
     * @param leaders the partition this node leads for an offsets partition index, or null
     */
    void respond(int[] partitions, GeneratedMessage request, short version, GeneratedMessage response, ResponseCallback done,
                 IntFunction<Partition> leaders, long nowMs) {
        long[] required = new long[partitions.length];
        for (int i = 0; i < partitions.length; i++) {
            required[i] = writtenEnd[partitions[i]];
        }
        Held h = new Held(partitions, required, nowMs + timeoutMs, request, version, response, done);
        Errors outcome = outcome(h, leaders, nowMs);
        if (outcome == null && held.size() >= MAX_HELD) {
            outcome = Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (outcome == null) {
            held.add(h);
        } else {
            answer(h, outcome);
        }
    }

    /** Answers every held response that is replicated, no longer led here, or past its deadline. */
    void check(IntFunction<Partition> leaders, long nowMs) {
        Iterator<Held> it = held.iterator();
        while (it.hasNext()) {
            Held h = it.next();
            Errors outcome = outcome(h, leaders, nowMs);
            if (outcome != null) {
                it.remove();
                answer(h, outcome);
            }
        }
    }

    /** NONE when replicated, an error when it never will be here, null while it should wait. */
    private Errors outcome(Held h, IntFunction<Partition> leaders, long nowMs) {
        if (!waitForReplication) {
            return Errors.NONE; // the planted defect 3: written to the leader's log only, and answered
        }
        boolean replicated = true;
        for (int i = 0; i < h.partitions.length; i++) {
            Partition p = leaders.apply(h.partitions[i]);
            if (p == null) {
                return h.required[i] == 0 ? Errors.NONE : Errors.NOT_COORDINATOR;
            }
            replicated &= p.highWatermark() >= h.required[i];
        }
        if (replicated) {
            return Errors.NONE;
        }
        return nowMs >= h.deadlineMs ? Errors.COORDINATOR_NOT_AVAILABLE : null;
    }

    private static void answer(Held h, Errors outcome) {
        h.done.respond(outcome == Errors.NONE ? h.response : ErrorResponses.of(h.request, h.version, outcome));
    }

    @Override
    public String toString() {
        return "ReplicationBarrier[held=" + held.size() + ", writtenEnd=" + Arrays.toString(writtenEnd) + "]";
    }
}
