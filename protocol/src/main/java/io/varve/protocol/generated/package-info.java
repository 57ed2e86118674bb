/**
 * The protocol messages generated at build time from Kafka's message definitions
 * ({@code common/message/*.json} in the pinned {@code kafka-clients} jar) and Varve's own
 * ({@code protocol/src/main/message}): one immutable record per request, response, header and data
 * structure, with a builder, and {@code read}/{@code write} for every version, plus the
 * {@link io.varve.protocol.generated.ApiMessageType} table. Only {@link GeneratedMessage} and this file
 * are written by hand; the generator is module {@code protocol-gen}, see {@code docs/protocol.md}.
 *
 * <p>Builds on {@link io.varve.protocol.codec.ProtocolReader} and
 * {@link io.varve.protocol.codec.ProtocolWriter}; touches no network, thread or file.
 */
package io.varve.protocol.generated;
