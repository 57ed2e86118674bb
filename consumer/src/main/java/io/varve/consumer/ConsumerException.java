package io.varve.consumer;

/**
 * The base of what {@link VarveConsumer} throws for outcomes the application must act on (no valid
 * position, corrupt data, a timeout). Programmer errors (a partition not assigned, a closed consumer)
 * are {@link IllegalStateException} or {@link IllegalArgumentException} instead.
 */
public class ConsumerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConsumerException(String message) {
        super(message);
    }

    public ConsumerException(String message, Throwable cause) {
        super(message, cause);
    }
}
