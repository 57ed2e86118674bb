package io.varve.producer;

/**
 * Turns a key or value into bytes. Implementations must be thread-safe: {@code send} may be called
 * from many threads at once. {@link Serializers} has those for strings, byte arrays, ints and longs.
 */
@FunctionalInterface
public interface Serializer<T> {

    /**
     * @param topic the record's topic
     * @param data  the key or value, may be null
     * @return the bytes, or null for a null key or value
     */
    byte[] serialize(String topic, T data);
}
