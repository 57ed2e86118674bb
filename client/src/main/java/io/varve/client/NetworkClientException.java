package io.varve.client;

/**
 * Why a request sent through {@link NetworkClient} got no response. These are expected outcomes,
 * delivered by failing the request's future; {@link #isRetriable()} tells the caller whether sending
 * again (after {@code retry.backoff.ms}, possibly to another node after a metadata refresh) can work.
 * Created without a stack trace: the reason and message say everything, and they are cheap to make on
 * the I/O thread.
 */
public final class NetworkClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The categories of failure. */
    public enum Reason {
        /** The node is in reconnect backoff after a failed connection; nothing was sent. */
        NOT_CONNECTED(true),
        /** The connection failed or closed before the response came; the request may or may not have been processed. */
        DISCONNECTED(true),
        /** No response within the request timeout; the connection was closed. */
        REQUEST_TIMED_OUT(true),
        /** The connection's queue of waiting requests is full (back-pressure); nothing was sent. */
        QUEUE_FULL(true),
        /** The broker and this client share no version of the request's API; nothing was sent. */
        UNSUPPORTED_VERSION(false),
        /** The response could not be decoded; the connection was closed. */
        PROTOCOL_ERROR(false),
        /** The client was closed. */
        CLIENT_CLOSED(false);

        private final boolean retriable;

        Reason(boolean retriable) {
            this.retriable = retriable;
        }

        public boolean retriable() {
            return retriable;
        }
    }

    private final Reason reason;

    public NetworkClientException(Reason reason, String message) {
        this(reason, message, null);
    }

    public NetworkClientException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public boolean isRetriable() {
        return reason.retriable();
    }
}
