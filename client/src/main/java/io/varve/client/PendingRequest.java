package io.varve.client;

import io.varve.protocol.ApiKey;
import java.util.concurrent.CompletableFuture;

/**
 * One request from {@link NetworkClient#send} until its future completes. Created on the caller's
 * thread; after that touched only on the client's I/O thread.
 */
final class PendingRequest {

    final ApiKey apiKey;
    final RequestBuilder builder;
    final boolean expectResponse;
    final long deadlineNs;
    /** Completed with the response body, or with null when no response is expected. */
    final CompletableFuture<Object> future = new CompletableFuture<>();
    short version = -1;
    int correlationId;

    PendingRequest(ApiKey apiKey, RequestBuilder builder, boolean expectResponse, long deadlineNs) {
        this.apiKey = apiKey;
        this.builder = builder;
        this.expectResponse = expectResponse;
        this.deadlineNs = deadlineNs;
    }

    boolean expired(long nowNs) {
        return nowNs - deadlineNs >= 0;
    }

    @Override
    public String toString() {
        return apiKey.displayName + " v" + version + " (correlation id " + correlationId + ")";
    }
}
