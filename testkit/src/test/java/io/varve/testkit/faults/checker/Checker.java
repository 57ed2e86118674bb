package io.varve.testkit.faults.checker;

import io.varve.testkit.faults.checker.CheckReport.Kind;
import io.varve.testkit.faults.checker.History.Ack;
import io.varve.testkit.faults.checker.History.Sent;
import io.varve.testkit.faults.checker.ReadBack.Read;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares a {@link History} with a {@link ReadBack} of the same topic. The rules, for a topic only
 * the workload writes to, with the idempotent producer and {@code acks=all}:
 * <ul>
 *   <li>every acknowledged record is read (else {@link Kind#LOST}), exactly once (else
 *       {@link Kind#DUPLICATED}), at the partition and offset the acknowledgement named (else
 *       {@link Kind#MOVED});</li>
 *   <li>no record is read in a partition other than the one it was sent to ({@link Kind#MOVED}),
 *       nor twice, acknowledged or not;</li>
 *   <li>within a partition the records of one writer are read in the order it sent them, acknowledged
 *       or not: the idempotent producer keeps the order of what it writes ({@link Kind#REORDERED});</li>
 *   <li>every record read was sent with that value and key ({@link Kind#CORRUPTED});</li>
 *   <li>a record that was never acknowledged may be there or not ({@link Kind#UNACKNOWLEDGED_PRESENT},
 *       counted, allowed).</li>
 * </ul>
 * Stateless.
 */
public final class Checker {

    private Checker() {
    }

    public static CheckReport check(History history, ReadBack readBack) {
        CheckReport report = new CheckReport(history, readBack);
        Map<String, List<Read>> occurrences = new LinkedHashMap<>();
        for (Read r : readBack.all()) {
            occurrences.computeIfAbsent(r.value(), v -> new java.util.ArrayList<>()).add(r);
        }
        checkEachValueRead(history, report, occurrences);
        checkEachAcknowledgedRead(history, report, occurrences);
        checkOrderPerWriter(history, report, readBack);
        return report;
    }

    private static void checkEachValueRead(History history, CheckReport report, Map<String, List<Read>> occurrences) {
        for (Map.Entry<String, List<Read>> e : occurrences.entrySet()) {
            List<Read> reads = e.getValue();
            Read first = reads.get(0);
            Sent sent = history.sent(e.getKey());
            if (sent == null || !Objects.equals(sent.key(), first.key())) {
                report.add(Kind.CORRUPTED, first.partition(), "offset " + first.offset() + " holds key " + first.key()
                    + " value " + e.getKey() + (sent == null ? ", never sent" : ", sent with key " + sent.key()));
                continue;
            }
            if (reads.size() > 1) {
                report.add(Kind.DUPLICATED, first.partition(), e.getKey() + " read " + reads.size() + " times, at "
                    + positions(reads));
            }
            Ack ack = history.ack(e.getKey());
            if (ack == null) {
                report.add(Kind.UNACKNOWLEDGED_PRESENT, first.partition(), e.getKey() + " at offset " + first.offset());
            }
            if (reads.stream().anyMatch(r -> r.partition() != sent.partition())) {
                report.add(Kind.MOVED, sent.partition(), e.getKey() + " sent to partition " + sent.partition()
                    + ", read at " + positions(reads));
            } else if (ack != null && reads.stream().noneMatch(r -> r.offset() == ack.offset())) {
                report.add(Kind.MOVED, ack.partition(), e.getKey() + " acknowledged at offset " + ack.offset()
                    + ", read at " + positions(reads));
            }
        }
    }

    private static void checkEachAcknowledgedRead(History history, CheckReport report,
                                                  Map<String, List<Read>> occurrences) {
        history.acknowledged().entrySet().stream()
            .filter(e -> !occurrences.containsKey(e.getKey()))
            .sorted(Map.Entry.comparingByValue(java.util.Comparator.comparingInt(Ack::partition)
                .thenComparingLong(Ack::offset)))
            .forEach(e -> report.add(Kind.LOST, e.getValue().partition(), e.getKey() + " acknowledged at offset "
                + e.getValue().offset() + ", not read"));
    }

    /** Within each partition, in offset order, each writer's sequences only go up. */
    private static void checkOrderPerWriter(History history, CheckReport report, ReadBack readBack) {
        readBack.records().forEach((partition, asRead) -> {
            List<Read> reads = asRead.stream().sorted(java.util.Comparator.comparingLong(Read::offset)).toList();
            Map<Integer, Read> highest = new HashMap<>();
            Map<Integer, Long> highestSequence = new HashMap<>();
            for (Read r : reads) {
                Sent sent = history.sent(r.value());
                if (sent == null) {
                    continue; // corrupted: reported above, no sequence to compare
                }
                Long before = highestSequence.get(sent.writer());
                if (before != null && sent.sequence() < before) {
                    report.add(Kind.REORDERED, partition, r.value() + " at offset " + r.offset() + " after "
                        + highest.get(sent.writer()).value() + " at offset " + highest.get(sent.writer()).offset());
                } else if (before == null || sent.sequence() > before) {
                    highestSequence.put(sent.writer(), sent.sequence());
                    highest.put(sent.writer(), r);
                }
            }
        });
    }

    private static String positions(List<Read> reads) {
        return reads.stream().map(r -> r.partition() + "/" + r.offset()).toList().toString();
    }
}
