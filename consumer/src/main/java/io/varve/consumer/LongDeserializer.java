package io.varve.consumer;

/**
 * Eight big-endian bytes to a {@link Long} (Kafka's {@code LongSerializer} layout), null to null.
 * Stateless and thread-safe.
 */
public final class LongDeserializer implements Deserializer<Long> {

    @Override
    public Long deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length != Long.BYTES) {
            throw new IllegalArgumentException("a long takes 8 bytes, got " + data.length + " in topic " + topic);
        }
        long value = 0;
        for (byte b : data) {
            value = (value << 8) | (b & 0xFF);
        }
        return value;
    }
}
