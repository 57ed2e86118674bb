package io.varve.protocol.codec;

/**
 * A request or response that cannot be decoded: a length runs past the frame, a varint is too long,
 * a required string is null, bytes are left over. The broker answers it by closing the connection
 * and counting it (DESIGN §8); nothing was allocated on the strength of the bad length.
 */
public class MalformedMessageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message, null, false, false);
    }
}
