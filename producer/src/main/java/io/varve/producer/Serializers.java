package io.varve.producer;

import java.nio.charset.StandardCharsets;

/**
 * The built-in serializers, byte for byte compatible with Kafka's: UTF-8 strings, byte arrays as
 * they are, ints as 4 and longs as 8 big-endian bytes. Null serializes to null. Stateless and
 * thread-safe.
 */
public final class Serializers {

    private Serializers() {
    }

    /** UTF-8, as Kafka's {@code StringSerializer} with its default encoding. */
    public static Serializer<String> string() {
        return (topic, data) -> data == null ? null : data.getBytes(StandardCharsets.UTF_8);
    }

    /** The array itself (not copied). */
    public static Serializer<byte[]> byteArray() {
        return (topic, data) -> data;
    }

    /** 4 bytes, big-endian. */
    public static Serializer<Integer> integer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            int v = data;
            return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        };
    }

    /** 8 bytes, big-endian. */
    public static Serializer<Long> longs() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            long v = data;
            byte[] out = new byte[8];
            for (int i = 7; i >= 0; i--) {
                out[i] = (byte) v;
                v >>>= 8;
            }
            return out;
        };
    }
}
