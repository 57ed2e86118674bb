package io.varve.protocol.message;

import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.nio.ByteBuffer;
import java.util.function.BiFunction;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.MessageUtil;

/**
 * Glue for oracle tests: encode with {@code kafka-clients}' generated message classes and decode
 * with ours, and the other way round. A codec is right for a version when both directions agree.
 */
final class KafkaCodecOracle {

    private KafkaCodecOracle() {
    }

    /** Kafka's encoding of {@code message} at {@code version}. */
    static ByteBuffer kafkaBytes(Message message, short version) {
        ByteBuffer buffer = MessageUtil.toByteBufferAccessor(message, version).buffer();
        buffer.rewind();
        return buffer;
    }

    /** Our encoding of {@code message} at {@code version}, records copied in. */
    static ByteBuffer varveBytes(ApiMessage message, short version) {
        ProtocolWriter writer = new ProtocolWriter();
        message.write(writer, version);
        return writer.toByteBuffer();
    }

    /** Decodes {@code bytes} with our codec and requires that every byte was consumed. */
    static <T> T varveRead(ByteBuffer bytes, short version, BiFunction<ProtocolReader, Short, T> codec) {
        ProtocolReader reader = new ProtocolReader(bytes.duplicate());
        T value = codec.apply(reader, version);
        reader.expectEnd();
        return value;
    }

    /** Decodes {@code bytes} with Kafka's generated class, e.g. {@code ApiVersionsResponseData::new}. */
    static <T> T kafkaRead(ByteBuffer bytes, short version, BiFunction<ByteBufferAccessor, Short, T> codec) {
        ByteBuffer copy = bytes.duplicate();
        T value = codec.apply(new ByteBufferAccessor(copy), version);
        if (copy.hasRemaining()) {
            throw new AssertionError(copy.remaining() + " bytes left after Kafka decoded the message");
        }
        return value;
    }
}
