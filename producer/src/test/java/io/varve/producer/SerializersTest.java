package io.varve.producer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The built-in serializers write exactly the bytes Kafka's do. */
class SerializersTest {

    @Property(tries = 500)
    void stringsAsKafka(@ForAll String s) {
        try (StringSerializer kafka = new StringSerializer()) {
            assertArrayEquals(kafka.serialize("t", s), Serializers.string().serialize("t", s));
        }
    }

    @Property(tries = 500)
    void integersAsKafka(@ForAll int i) {
        try (IntegerSerializer kafka = new IntegerSerializer()) {
            assertArrayEquals(kafka.serialize("t", i), Serializers.integer().serialize("t", i));
        }
    }

    @Property(tries = 500)
    void longsAsKafka(@ForAll long l) {
        try (LongSerializer kafka = new LongSerializer()) {
            assertArrayEquals(kafka.serialize("t", l), Serializers.longs().serialize("t", l));
        }
    }

    @Test
    void nullStaysNull() {
        assertNull(Serializers.string().serialize("t", null));
        assertNull(Serializers.integer().serialize("t", null));
        assertNull(Serializers.longs().serialize("t", null));
        assertNull(Serializers.byteArray().serialize("t", null));
    }
}
