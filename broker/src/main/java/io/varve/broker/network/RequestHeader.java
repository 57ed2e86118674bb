package io.varve.broker.network;

import io.varve.protocol.ApiKey;

/**
 * What the broker keeps of a request header (v1 or v2, decoded with the generated
 * {@code io.varve.protocol.generated.RequestHeader}): the served API, the version as sent, the
 * correlation id and the client id. Immutable.
 *
 * @param apiKey     the API, one Varve serves
 * @param apiVersion as sent; the decoder hands the handler only versions inside the served band
 * @param clientId   possibly null
 */
public record RequestHeader(ApiKey apiKey, short apiVersion, int correlationId, String clientId) {
}
