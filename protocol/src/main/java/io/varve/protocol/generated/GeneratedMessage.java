package io.varve.protocol.generated;

import io.varve.protocol.codec.ProtocolWriter;

/**
 * A request or response body generated from Kafka's message definitions (see {@link ApiMessageType}),
 * encodable at every version of the definition's range.
 */
public interface GeneratedMessage {

    /** The API key of the message. */
    short apiKey();

    /** Encodes this message at {@code version}; fields the version lacks are left out. */
    void write(ProtocolWriter writer, short version);
}
