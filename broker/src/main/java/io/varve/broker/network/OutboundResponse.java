package io.varve.broker.network;

import io.varve.protocol.ApiKey;
import io.varve.protocol.generated.GeneratedMessage;

/**
 * A response on its way to the {@link ResponseEncoder}: the body and what its header and encoding
 * need. Immutable.
 */
record OutboundResponse(ApiKey apiKey, short version, int correlationId, GeneratedMessage body) {
}
