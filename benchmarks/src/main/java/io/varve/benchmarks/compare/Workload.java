package io.varve.benchmarks.compare;

import java.util.List;

/**
 * One load, run the same way against each broker and with each tool.
 *
 * @param name       short id, used in topic names and tables
 * @param kind       produce, or consume the records the {@code produce-1k-acks1} run of the same round
 *                   and tool wrote
 * @param recordSize value bytes per record
 * @param acks       the producer's acks ("1" or "all"); ignored by a consumer
 * @param ratePerSec records per second for a fixed-rate run, -1 for as fast as possible
 * @param records    records per run
 */
public record Workload(String name, Kind kind, int recordSize, String acks, long ratePerSec, long records) {

    public enum Kind { PRODUCE, CONSUME }

    /** The workload whose topic a consume run reads. */
    static final String CONSUMED = "produce-1k-acks1";

    public Workload {
        if (records <= 0 || recordSize <= 0) {
            throw new IllegalArgumentException(name + ": records and recordSize must be positive");
        }
    }

    boolean fixedRate() {
        return ratePerSec > 0;
    }

    long bytes() {
        return records * recordSize;
    }

    /**
     * The standard set: 1 KiB records at acks=1 and acks=all, 100-byte records at acks=1 (twice the
     * count), a fixed-rate acks=all run of {@code fixedRateSeconds} for latency, and a consume.
     */
    static List<Workload> standard(long records, long ratePerSec, long fixedRateSeconds) {
        return List.of(
            new Workload(CONSUMED, Kind.PRODUCE, 1024, "1", -1, records),
            new Workload("produce-1k-acksall", Kind.PRODUCE, 1024, "all", -1, records),
            new Workload("produce-100b-acks1", Kind.PRODUCE, 100, "1", -1, records * 2),
            new Workload("fixed-rate-acksall", Kind.PRODUCE, 1024, "all", ratePerSec, ratePerSec * fixedRateSeconds),
            new Workload("consume-1k", Kind.CONSUME, 1024, "1", -1, records));
    }

    /** A readable description for the docs. */
    String describe() {
        String size = recordSize >= 1024 ? (recordSize / 1024) + " KiB" : recordSize + " B";
        return switch (kind) {
            case CONSUME -> String.format("consume %,d x %s from the start of 6 partitions", records, size);
            case PRODUCE -> String.format("produce %,d x %s, acks=%s, %s", records, size, acks,
                fixedRate() ? String.format("%,d records/s", ratePerSec) : "as fast as possible");
        };
    }
}
