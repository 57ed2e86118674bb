package io.varve.broker.handler;

import io.varve.protocol.Errors;
import io.varve.protocol.record.BatchStatus;
import io.varve.storage.AppendResult;

/** What a refused append tells the producer: the Kafka error code and a short message. */
final class AppendErrors {

    private AppendErrors() {
    }

    static Errors toKafka(AppendResult result) {
        return switch (result.error()) {
            case NONE -> Errors.NONE;
            case CORRUPT_RECORD -> result.batchStatus() == BatchStatus.CRC_MISMATCH ? Errors.CORRUPT_MESSAGE : Errors.INVALID_RECORD;
            case RECORD_TOO_LARGE -> Errors.MESSAGE_TOO_LARGE;
            case OFFSET_OUT_OF_ORDER -> Errors.INVALID_RECORD;
            case STORAGE_FAILED, STORAGE_FULL -> Errors.KAFKA_STORAGE_ERROR;
            case OUT_OF_ORDER_SEQUENCE -> Errors.OUT_OF_ORDER_SEQUENCE_NUMBER;
            case INVALID_PRODUCER_EPOCH -> Errors.INVALID_PRODUCER_EPOCH;
        };
    }

    static String message(AppendResult result) {
        return switch (result.error()) {
            case CORRUPT_RECORD -> result.batchStatus() == BatchStatus.MISSING_KEY
                ? BatchStatus.MISSING_KEY.reason() : "record batch refused: " + result.batchStatus();
            case RECORD_TOO_LARGE -> "record batch larger than max.message.bytes";
            case STORAGE_FAILED -> "the partition's log failed an earlier write or fsync";
            case STORAGE_FULL -> "the log directory has no space: nothing was written; retry once space is freed";
            case OUT_OF_ORDER_SEQUENCE -> "the batch's sequence number does not follow the producer's last one";
            case INVALID_PRODUCER_EPOCH -> "the producer epoch is older than the partition has seen";
            default -> null;
        };
    }
}
