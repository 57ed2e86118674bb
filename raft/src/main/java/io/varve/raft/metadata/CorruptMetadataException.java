package io.varve.raft.metadata;

/**
 * Bytes that do not decode to a {@link MetadataRecord}: a length that runs past the end, an unknown
 * type or version, a field out of range, trailing bytes. The metadata log is CRC-checked, so this
 * means a bug or a log written by a newer version: the node must stop rather than guess.
 */
public final class CorruptMetadataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CorruptMetadataException(String message) {
        super(message);
    }

    public CorruptMetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
