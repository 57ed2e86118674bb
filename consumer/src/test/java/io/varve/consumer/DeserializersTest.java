package io.varve.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The built-in deserializers read what Kafka's serializers write. */
class DeserializersTest {

    @Property
    void integersRoundTripWithKafkasSerializer(@ForAll int value) {
        assertEquals(value, new IntegerDeserializer().deserialize("t", new IntegerSerializer().serialize("t", value)));
    }

    @Property
    void longsRoundTripWithKafkasSerializer(@ForAll long value) {
        assertEquals(value, new LongDeserializer().deserialize("t", new LongSerializer().serialize("t", value)));
    }

    @Property
    void stringsRoundTripWithKafkasSerializer(@ForAll String value) {
        assertEquals(value, new StringDeserializer().deserialize("t", new StringSerializer().serialize("t", value)));
    }

    @Test
    void nullIsNullAndWrongSizesAreRefused() {
        assertNull(new IntegerDeserializer().deserialize("t", null));
        assertNull(new LongDeserializer().deserialize("t", null));
        assertNull(new StringDeserializer().deserialize("t", null));
        assertNull(new ByteArrayDeserializer().deserialize("t", null));
        assertArrayEquals(new byte[] {1, 2}, new ByteArrayDeserializer().deserialize("t", new byte[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> new IntegerDeserializer().deserialize("t", new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> new LongDeserializer().deserialize("t", new byte[4]));
    }
}
