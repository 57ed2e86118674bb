package io.varve.storage;

import io.varve.protocol.record.BatchStatus;

/**
 * What an append did: the offsets it assigned and the timestamps it saw, or why it appended nothing.
 * An append is all or nothing: with an error, no batch of the request was written.
 *
 * @param error            {@link AppendError#NONE} on success
 * @param batchStatus      the validation verdict that caused {@link AppendError#CORRUPT_RECORD}, else OK
 * @param firstOffset      offset of the first record written, -1 on error
 * @param lastOffset       offset of the last record written, -1 on error
 * @param maxTimestamp     largest record timestamp written, -1 if none
 * @param offsetOfMaxTimestamp offset of the record with {@code maxTimestamp}
 * @param batches          batches written
 * @param records          records written
 * @param bytes            bytes written
 */
public record AppendResult(AppendError error, BatchStatus batchStatus, long firstOffset, long lastOffset,
                           long maxTimestamp, long offsetOfMaxTimestamp, int batches, int records, int bytes) {

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
        STORAGE_FAILED
    }

    public boolean isOk() {
        return error == AppendError.NONE;
    }

    static AppendResult failure(AppendError error, BatchStatus status) {
        return new AppendResult(error, status, -1, -1, -1, -1, 0, 0, 0);
    }
}
