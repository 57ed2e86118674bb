package io.varve.protocol.message;

/** A response body. */
public interface ApiResponse extends ApiMessage {
}
