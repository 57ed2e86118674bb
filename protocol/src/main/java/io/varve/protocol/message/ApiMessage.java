package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolWriter;

/** A request or response body of one API, encodable at any version of that API's band. */
public interface ApiMessage {

    ApiKey apiKey();

    /** Encodes this message at {@code version}; fields the version lacks are left out. */
    void write(ProtocolWriter writer, short version);
}
