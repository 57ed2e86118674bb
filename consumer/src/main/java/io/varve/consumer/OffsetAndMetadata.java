package io.varve.consumer;

/**
 * A committed position: the offset of the next record to read, and a free-form note stored with it.
 *
 * @param offset   the next offset to consume, ≥ 0
 * @param metadata stored alongside, may be empty; never null
 */
public record OffsetAndMetadata(long offset, String metadata) {

    public OffsetAndMetadata {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
        metadata = metadata == null ? "" : metadata;
    }

    public OffsetAndMetadata(long offset) {
        this(offset, "");
    }
}
