package io.varve.producer;

import io.varve.protocol.Errors;

/**
 * Why a record was not sent. These are expected outcomes, so {@code send} never throws one: it fails
 * the record's future and calls its callback (on the calling thread when the record never got into a
 * batch, on the sender thread otherwise). {@link #error()} names the broker's error code for
 * {@link Reason#BROKER_ERROR}.
 */
public final class ProducerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The categories of failure. */
    public enum Reason {
        /** The producer is closed (or closing); the record was not accepted. */
        CLOSED,
        /** No room in {@code buffer.memory} within {@code max.block.ms}. */
        BUFFER_EXHAUSTED,
        /** The topic's partitions were not known within {@code max.block.ms}. */
        METADATA_TIMEOUT,
        /** The record is larger than {@code max.request.size} or {@code buffer.memory}. */
        RECORD_TOO_LARGE,
        /** The record names a partition the topic does not have, or the topic cannot exist. */
        INVALID_PARTITION,
        /** Not acknowledged within {@code delivery.timeout.ms} (retries included). */
        DELIVERY_TIMEOUT,
        /** The broker answered with a non-retriable error, or a retriable one after the retries ran out. */
        BROKER_ERROR,
        /** The serializer threw. */
        SERIALIZATION,
        /** The sending thread was interrupted while it waited for metadata or memory; its interrupt flag is set again. */
        INTERRUPTED
    }

    private final Reason reason;
    private final transient Errors error;

    public ProducerException(Reason reason, String message) {
        this(reason, Errors.NONE, message, null);
    }

    public ProducerException(Reason reason, Errors error, String message, Throwable cause) {
        super(reason + (error == Errors.NONE ? "" : " " + error) + ": " + message, cause);
        this.reason = reason;
        this.error = error;
    }

    public Reason reason() {
        return reason;
    }

    /** The broker's error for {@link Reason#BROKER_ERROR}, else {@link Errors#NONE}. */
    public Errors error() {
        return error;
    }
}
