package io.varve.consumer;

/** A blocking call ({@code position}, {@code beginningOffsets}, ...) did not finish within its timeout. */
public final class ConsumerTimeoutException extends ConsumerException {

    private static final long serialVersionUID = 1L;

    public ConsumerTimeoutException(String message) {
        super(message);
    }
}
