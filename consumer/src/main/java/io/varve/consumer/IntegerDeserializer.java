package io.varve.consumer;

/**
 * Four big-endian bytes to an {@link Integer} (Kafka's {@code IntegerSerializer} layout), null to
 * null. Stateless and thread-safe.
 */
public final class IntegerDeserializer implements Deserializer<Integer> {

    @Override
    public Integer deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length != Integer.BYTES) {
            throw new IllegalArgumentException("an int takes 4 bytes, got " + data.length + " in topic " + topic);
        }
        int value = 0;
        for (byte b : data) {
            value = (value << 8) | (b & 0xFF);
        }
        return value;
    }
}
