package io.varve.protocol.codec;

/**
 * A message cannot be encoded at the version asked for: the version is outside the message's range,
 * or a field the version lacks holds a value other than its default and may not be dropped
 * silently (the field is not {@code ignorable}). Kafka throws its own UnsupportedVersionException in
 * the same cases. A programming error of the sender, never caused by bytes from the wire.
 */
public class UnsupportedVersionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnsupportedVersionException(String message) {
        super(message);
    }
}
