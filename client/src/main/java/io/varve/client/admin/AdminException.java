package io.varve.client.admin;

import io.varve.protocol.Errors;
import java.util.Objects;

/**
 * Why an admin operation failed: the Kafka {@link Errors} value the broker answered (or the one that
 * best names a client-side failure: {@link Errors#REQUEST_TIMED_OUT} when
 * {@code default.api.timeout.ms} ran out, {@link Errors#NETWORK_EXCEPTION} when no broker could be
 * reached) and a message for people, the broker's own when it sent one. Delivered by failing the
 * operation's future. Immutable.
 */
public final class AdminException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Errors error;

    /** A failure with the given error; {@code message} says what failed and why, for people. */
    public AdminException(Errors error, String message) {
        this(error, message, null);
    }

    /** As {@link #AdminException(Errors, String)}, keeping the failure that led to it. */
    public AdminException(Errors error, String message, Throwable cause) {
        super(message, cause);
        this.error = Objects.requireNonNull(error, "error");
    }

    /** The Kafka error; never {@link Errors#NONE}. */
    public Errors error() {
        return error;
    }

    /** Builds the exception for an error code and optional message from a response. */
    static AdminException of(short errorCode, String brokerMessage, String subject) {
        Errors error = Errors.forCode(errorCode);
        String text = brokerMessage == null || brokerMessage.isBlank() ? error.name() : brokerMessage;
        return new AdminException(error, subject + ": " + text);
    }
}
