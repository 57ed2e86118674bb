package io.varve.protocol.record;

/**
 * The verdict of validating a record batch. Expected on the hot path, so a result and not an
 * exception; {@link #reason()} is a fixed sentence fit for a log line or an error message.
 */
public enum BatchStatus {
    OK("valid"),
    TRUNCATED_HEADER("fewer bytes than a batch header remain"),
    LENGTH_TOO_SMALL("batch length is smaller than the batch header"),
    LENGTH_TOO_LARGE("batch length exceeds the largest batch allowed"),
    TRUNCATED_BATCH("batch length runs past the bytes present"),
    WRONG_MAGIC("magic byte is not 2 (RecordBatch v2)"),
    CRC_MISMATCH("CRC32C does not match the batch contents"),
    NEGATIVE_RECORD_COUNT("record count is negative"),
    RECORD_COUNT_MISMATCH("record count disagrees with the records present"),
    OFFSET_DELTA_MISMATCH("last offset delta disagrees with the record count"),
    MALFORMED_RECORD("a record's varint or length field is malformed or runs past the batch"),
    ZERO_FILLED("zero bytes where a batch header should be: end of written data"),
    UNKNOWN_COMPRESSION("compression codec id is not one of 0 (none) to 4 (zstd)"),
    DECOMPRESSION_FAILED("the compressed records are not a well-formed stream of their codec"),
    DECOMPRESSED_TOO_LARGE("the compressed records inflate past the largest decompressed size allowed"),
    MISSING_KEY("Compacted topic cannot accept message without key");

    private final String reason;

    BatchStatus(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    public boolean isOk() {
        return this == OK;
    }
}
