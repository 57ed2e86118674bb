package io.varve.consumer;

/** The bytes themselves, null to null. Stateless and thread-safe. */
public final class ByteArrayDeserializer implements Deserializer<byte[]> {

    @Override
    public byte[] deserialize(String topic, byte[] data) {
        return data;
    }
}
