package io.varve.client;

/**
 * The life of one broker connection inside a {@link NetworkClient}. Legal transitions:
 *
 * <pre>
 *  DISCONNECTED ──send──► CONNECTING ──ApiVersions answered──► READY
 *        ▲                    │                                  │
 *        │ backoff over       │ failure / setup timeout          │ failure, request timeout,
 *        │                    ▼                                  │ protocol error
 *      BACKOFF ◄──────────────┴──────────────────────────────────┘
 *  READY ──idle for connections.max.idle.ms──► DISCONNECTED
 *  any ──NetworkClient.close()──► CLOSED (final)
 * </pre>
 */
public enum ConnectionState {
    /** No connection and none wanted yet; the next send opens one. */
    DISCONNECTED,
    /** TCP connect and the ApiVersions exchange are under way; sends wait in the queue. */
    CONNECTING,
    /** Versions negotiated; requests flow. */
    READY,
    /** The last attempt failed; sends fail at once with {@link NetworkClientException.Reason#NOT_CONNECTED} until the backoff ends. */
    BACKOFF,
    /** The client is closed. */
    CLOSED
}
