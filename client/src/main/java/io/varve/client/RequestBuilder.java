package io.varve.client;

import io.varve.protocol.generated.GeneratedMessage;

/**
 * Builds a request once its version is known: the network client negotiates the version with the
 * broker ({@link NodeApiVersions}) and only then asks for the body, so that the caller can fill the
 * fields that version has (a Fetch by topic name below v13, by topic id from v13, and so on).
 *
 * <p>Called on the client's I/O thread: it must be quick and must not block. A caller that cannot
 * express its request at the version offered throws
 * {@link io.varve.protocol.codec.UnsupportedVersionException}, and the request fails with it.
 */
@FunctionalInterface
public interface RequestBuilder {

    /** The request body to send at {@code version}. */
    GeneratedMessage build(short version);
}
