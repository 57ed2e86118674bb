/**
 * Request and response headers and the codecs of every API Varve serves, one immutable record per
 * message with {@code read(reader, version)} and {@code write(writer, version)} covering the whole
 * supported band of {@link io.varve.protocol.ApiKey}. Field layouts follow Kafka's message
 * definitions; every advertised version round-trips against the generated classes of
 * {@code kafka-clients} in the tests. {@link io.varve.protocol.message.ApiMessages} maps API keys to codecs.
 */
package io.varve.protocol.message;
