package io.varve.client.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.client.group.ConsumerProtocol.Assignment;
import io.varve.client.group.ConsumerProtocol.Subscription;
import io.varve.common.TopicPartition;
import io.varve.protocol.codec.MalformedMessageException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.junit.jupiter.api.Test;

/** The consumer protocol bytes agree with kafka-clients' {@code ConsumerProtocol}, both ways, at every version. */
class ConsumerProtocolTest {

    @Property(tries = 300)
    void subscriptionBytesMatchKafkaAtEveryVersion(@ForAll("subscriptions") Subscription s,
                                                   @ForAll @IntRange(min = 0, max = 3) int version) {
        byte[] ours = ConsumerProtocol.encodeSubscription(s, (short) version);
        byte[] theirs = bytes(org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeSubscription(kafka(s), (short) version));
        assertArrayEquals(theirs, ours);

        Subscription back = ConsumerProtocol.decodeSubscription(ByteBuffer.wrap(theirs));
        assertEquals(sorted(s.topics()), sorted(back.topics()));
        assertArrayEquals(s.userData(), back.userData());
        assertEquals(sorted(version >= 1 ? s.ownedPartitions() : List.of()), sorted(back.ownedPartitions()));
        assertEquals(version >= 2 ? s.generationId() : ConsumerProtocol.NO_GENERATION, back.generationId());
        assertEquals(version >= 3 ? s.rackId() : null, back.rackId());
    }

    @Property(tries = 300)
    void assignmentBytesMatchKafkaAtEveryVersion(@ForAll("assignments") Assignment a,
                                                 @ForAll @IntRange(min = 0, max = 3) int version) {
        byte[] ours = ConsumerProtocol.encodeAssignment(a, (short) version);
        List<org.apache.kafka.common.TopicPartition> tps = a.partitions().stream()
            .map(tp -> new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition())).toList();
        byte[] theirs = bytes(org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeAssignment(
            new ConsumerPartitionAssignor.Assignment(tps, a.userData() == null ? null : ByteBuffer.wrap(a.userData())), (short) version));
        assertArrayEquals(theirs, ours);
        Assignment back = ConsumerProtocol.decodeAssignment(ByteBuffer.wrap(theirs));
        assertEquals(sorted(a.partitions()), sorted(back.partitions()));
        assertArrayEquals(a.userData(), back.userData());
    }

    @Test
    void kafkaDecodesWhatVarveWritesAtTheDefaultVersion() {
        Subscription s = new Subscription(List.of("b", "a"), new byte[] {0, 0, 0, 7},
            List.of(new TopicPartition("b", 1), new TopicPartition("a", 2)), 7, "rack-1");
        ConsumerPartitionAssignor.Subscription k = org.apache.kafka.clients.consumer.internals.ConsumerProtocol
            .deserializeSubscription(ByteBuffer.wrap(ConsumerProtocol.encodeSubscription(s)));
        assertEquals(List.of("a", "b"), k.topics());
        assertEquals(Optional.of(7), k.generationId());
        assertEquals(Optional.of("rack-1"), k.rackId());
        assertEquals(List.of(new org.apache.kafka.common.TopicPartition("a", 2),
            new org.apache.kafka.common.TopicPartition("b", 1)), k.ownedPartitions());
    }

    @Test
    void aNewerVersionIsReadAsTheHighestKnownAndANegativeOneIsMalformed() {
        byte[] v3 = ConsumerProtocol.encodeSubscription(new Subscription(List.of("t")));
        byte[] v9 = Arrays.copyOf(v3, v3.length + 4);
        v9[1] = 9;
        assertEquals(List.of("t"), ConsumerProtocol.decodeSubscription(ByteBuffer.wrap(v9)).topics());
        v3[0] = (byte) 0xFF;
        assertThrows(MalformedMessageException.class, () -> ConsumerProtocol.decodeSubscription(ByteBuffer.wrap(v3)));
    }

    @Test
    void truncatedBytesAreMalformedAndAnEmptyAssignmentIsEmpty() {
        byte[] full = ConsumerProtocol.encodeAssignment(new Assignment(List.of(new TopicPartition("t", 3))));
        for (int cut = 1; cut < full.length; cut++) {
            byte[] part = Arrays.copyOf(full, cut);
            assertThrows(MalformedMessageException.class, () -> ConsumerProtocol.decodeAssignment(ByteBuffer.wrap(part)));
        }
        assertTrue(ConsumerProtocol.decodeAssignment(ByteBuffer.allocate(0)).partitions().isEmpty());
    }

    @Provide
    Arbitrary<Subscription> subscriptions() {
        Arbitrary<List<String>> topics = topic().list().uniqueElements().ofMaxSize(5);
        Arbitrary<byte[]> userData = Arbitraries.bytes().array(byte[].class).ofMaxSize(8).injectNull(0.3);
        Arbitrary<List<TopicPartition>> owned = partition().list().uniqueElements().ofMaxSize(8);
        Arbitrary<Integer> generation = Arbitraries.integers().between(-1, 1000);
        Arbitrary<String> rack = Arbitraries.strings().alpha().ofMaxLength(6).injectNull(0.5);
        return Combinators.combine(topics, userData, owned, generation, rack).as(Subscription::new);
    }

    @Provide
    Arbitrary<Assignment> assignments() {
        Arbitrary<List<TopicPartition>> partitions = partition().list().uniqueElements().ofMaxSize(10);
        Arbitrary<byte[]> userData = Arbitraries.bytes().array(byte[].class).ofMaxSize(8).injectNull(0.3);
        return Combinators.combine(partitions, userData).as(Assignment::new);
    }

    private static Arbitrary<String> topic() {
        return Arbitraries.of("a", "b", "orders", "t-1", "x.y");
    }

    private static Arbitrary<TopicPartition> partition() {
        return Combinators.combine(topic(), Arbitraries.integers().between(0, 5)).as(TopicPartition::new);
    }

    private static ConsumerPartitionAssignor.Subscription kafka(Subscription s) {
        List<org.apache.kafka.common.TopicPartition> owned = new ArrayList<>();
        s.ownedPartitions().forEach(tp -> owned.add(new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition())));
        return new ConsumerPartitionAssignor.Subscription(s.topics(), s.userData() == null ? null : ByteBuffer.wrap(s.userData()),
            owned, s.generationId(), Optional.ofNullable(s.rackId()));
    }

    private static <T extends Comparable<T>> List<T> sorted(List<T> in) {
        List<T> out = new ArrayList<>(in);
        out.sort(null);
        return out;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
