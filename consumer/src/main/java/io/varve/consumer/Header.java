package io.varve.consumer;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record header: a UTF-8 key and a value that may be null. The value array is the consumer's
 * copy, handed to the application; treat it as read-only.
 *
 * @param key   the header key, never null
 * @param value the header value, or null
 */
public record Header(String key, byte[] value) {

    public Header {
        Objects.requireNonNull(key, "key");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Header h && key.equals(h.key) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Header{" + key + "=" + (value == null ? "null" : value.length + " bytes") + '}';
    }
}
