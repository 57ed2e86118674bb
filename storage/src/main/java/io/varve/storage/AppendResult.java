package io.varve.storage;

import io.varve.protocol.record.BatchStatus;
import io.varve.storage.producer.AppendCheck;

/**
 * What an append did: the offsets it assigned and the timestamps it saw, or why it appended nothing.
 * An append is all or nothing: with an error, no batch of the request was written.
 *
 * <p>A <b>duplicate</b> ({@link #duplicate()} true) is a success that wrote nothing: every batch was
 * a retry of an idempotent producer's batch already in the log, and {@code firstOffset} /
 * {@code lastOffset} are the offsets the original got, which the broker answers with (as Kafka does).
 * Its counts are 0 and its timestamps -1.
 *
 * @param error            {@link AppendError#NONE} on success (duplicates included)
 * @param batchStatus      the validation verdict that caused {@link AppendError#CORRUPT_RECORD}, else OK
 * @param firstOffset      offset of the first record written, -1 on error
 * @param lastOffset       offset of the last record written, -1 on error
 * @param maxTimestamp     largest record timestamp written, -1 if none
 * @param offsetOfMaxTimestamp offset of the record with {@code maxTimestamp}
 * @param batches          batches written
 * @param records          records written
 * @param bytes            bytes written
 * @param duplicate        whether the append was a retry answered with the original offsets
 */
public record AppendResult(AppendError error, BatchStatus batchStatus, long firstOffset, long lastOffset,
                           long maxTimestamp, long offsetOfMaxTimestamp, int batches, int records, int bytes,
                           boolean duplicate) {

    /** Why an append was refused. Each maps to a Kafka error code at the broker. */
    public enum AppendError {
        NONE,
        /** A batch failed validation (CORRUPT_MESSAGE / INVALID_RECORD). */
        CORRUPT_RECORD,
        /** A batch is larger than {@code message.max.bytes} (MESSAGE_TOO_LARGE). */
        RECORD_TOO_LARGE,
        /** A follower append's offsets are not after the log end (OUT_OF_ORDER / replica error). */
        OFFSET_OUT_OF_ORDER,
        /** The log failed an fsync or a write earlier and accepts nothing (KAFKA_STORAGE_ERROR). */
        STORAGE_FAILED,
        /**
         * The file system refused the space (a full disk, a quota): nothing was written, the log is intact
         * and takes writes again once space is freed (KAFKA_STORAGE_ERROR, which producers retry).
         */
        STORAGE_FULL,
        /**
         * An idempotent producer's batch does not continue its sequence: a gap, a retry older than
         * the last five batches, or a new epoch or unknown producer not starting at 0
         * (OUT_OF_ORDER_SEQUENCE_NUMBER).
         */
        OUT_OF_ORDER_SEQUENCE,
        /** An idempotent producer's epoch is older than the one the log knows: a fenced producer (INVALID_PRODUCER_EPOCH). */
        INVALID_PRODUCER_EPOCH
    }

    public boolean isOk() {
        return error == AppendError.NONE;
    }

    static AppendResult failure(AppendError error, BatchStatus status) {
        return new AppendResult(error, status, -1, -1, -1, -1, 0, 0, 0, false);
    }

    /** The result of a leader append the producer state did not accept. */
    static AppendResult of(AppendCheck check) {
        return switch (check.outcome()) {
            case DUPLICATE -> new AppendResult(AppendError.NONE, BatchStatus.OK, check.firstOffset(), check.lastOffset(),
                -1, -1, 0, 0, 0, true);
            case OUT_OF_ORDER_SEQUENCE -> failure(AppendError.OUT_OF_ORDER_SEQUENCE, BatchStatus.OK);
            case INVALID_PRODUCER_EPOCH -> failure(AppendError.INVALID_PRODUCER_EPOCH, BatchStatus.OK);
            case ACCEPT -> throw new IllegalArgumentException("an accepted append has no result yet");
        };
    }
}
