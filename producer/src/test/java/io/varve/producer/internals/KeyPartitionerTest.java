package io.varve.producer.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** A keyed record lands where Kafka's default partitioner puts it: the oracle is kafka-clients itself. */
class KeyPartitionerTest {

    @Property(tries = 2_000)
    void murmur2IsKafkasForAnyBytes(@ForAll @Size(max = 64) byte[] key) {
        assertEquals(Utils.murmur2(key), KeyPartitioner.murmur2(key));
    }

    @Property(tries = 2_000)
    void partitionIsKafkasBuiltInPartitionersChoice(@ForAll @Size(max = 40) byte[] key,
                                                    @ForAll @IntRange(min = 1, max = 1_000) int partitions) {
        assertEquals(BuiltInPartitioner.partitionForKey(key, partitions), KeyPartitioner.partition(key, partitions));
    }

    @Test
    void oneHundredThousandStringKeysAgreeWithKafka() {
        for (int i = 0; i < 100_000; i++) {
            byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
            int partitions = 1 + i % 37;
            assertEquals(Utils.toPositive(Utils.murmur2(key)) % partitions, KeyPartitioner.partition(key, partitions), "key-" + i);
        }
    }

    @Test
    void toPositiveClearsOnlyTheSignBit() {
        assertEquals(0, KeyPartitioner.toPositive(Integer.MIN_VALUE));
        assertEquals(Integer.MAX_VALUE, KeyPartitioner.toPositive(-1));
        assertEquals(7, KeyPartitioner.toPositive(7));
    }
}
