package io.varve.consumer;

/**
 * Turns the bytes of a record's key or value into an object. {@code data} is null for a null key or
 * value; an implementation decides what that maps to (the built-in ones return null).
 *
 * <p>Implementations used by one {@link VarveConsumer} are called from the thread that polls only,
 * so they need not be thread-safe unless they are shared between consumers.
 *
 * @param <T> the type produced
 */
@FunctionalInterface
public interface Deserializer<T> {

    /**
     * @param topic the topic the record came from
     * @param data  the key or value bytes, or null; owned by the callee afterwards
     * @return the object, or null
     * @throws RuntimeException when the bytes are not a valid encoding; {@link VarveConsumer#poll}
     *         passes it on, leaving the position at the record that failed
     */
    T deserialize(String topic, byte[] data);
}
