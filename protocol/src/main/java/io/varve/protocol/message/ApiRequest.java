package io.varve.protocol.message;

import io.varve.protocol.Errors;

/** A request body. */
public interface ApiRequest extends ApiMessage {

    /**
     * The response that reports {@code error} for everything this request asked about (every topic
     * and partition named in it), used when the broker cannot serve the request at all.
     */
    ApiResponse errorResponse(Errors error);
}
