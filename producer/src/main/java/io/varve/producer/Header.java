package io.varve.producer;

import java.util.Objects;

/**
 * One record header: a non-null key and a value that may be null. The value array is referenced,
 * not copied: leave it unchanged until the record's {@code send} returns.
 *
 * @param key   the header's name
 * @param value the header's bytes, or null
 */
public record Header(String key, byte[] value) {

    public Header {
        Objects.requireNonNull(key, "a header key cannot be null");
    }
}
