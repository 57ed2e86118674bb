package io.varve.protocol.record.compress;

/** The verdict of inflating a compressed records section: expected outcomes, so a result and not an exception. */
public enum DecompressionStatus {
    /** Inflated completely within the limit. */
    OK,
    /** The payload inflates past the caller's limit: refused before more than the limit was held. */
    TOO_LARGE,
    /** The payload is not a well-formed stream of its codec (bad framing, checksum, truncation). */
    CORRUPT;

    public boolean isOk() {
        return this == OK;
    }
}
