/**
 * Requests whose fields change meaning across the versions the clients implement
 * ({@link io.varve.client.ClientApiVersions}), built per negotiated version, and their answers read
 * into one version-independent shape. Uses only the generated codecs; no I/O.
 */
package io.varve.client.requests;
