/**
 * The build-time generator of Varve's protocol codecs: {@link io.varve.protocol.gen.ProtocolGenerator}
 * reads Kafka's message definitions ({@code common/message/*.json}) and Varve's own, validates them
 * strictly into {@link io.varve.protocol.gen.MessageSpec}s, and writes the Java sources of
 * {@code io.varve.protocol.generated}. Plain Java (Jackson reads the JSON), run inside the protocol
 * module's build; it touches only its input and output directories.
 */
package io.varve.protocol.gen;
