package io.varve.consumer;

import static io.varve.consumer.FakeNetwork.tp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The consumer's rules, against an in-memory broker and a manual clock: record parsing, positions,
 * max.poll.records, resets, pause/resume, fetch errors and pipelining.
 */
class VarveConsumerTest {

    private final FakeNetwork net = new FakeNetwork(2);

    private VarveConsumer<String, String> consumer(Object... overrides) {
        return consumerOn(net, overrides);
    }

    private static VarveConsumer<String, String> consumerOn(FakeNetwork net, Object... overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "127.0.0.1:9092");
        for (int i = 0; i < overrides.length; i += 2) {
            props.put((String) overrides[i], overrides[i + 1]);
        }
        return new VarveConsumer<>(ConsumerConfig.from(props), net, net.clock, new Random(7),
            new StringDeserializer(), new StringDeserializer());
    }

    private static List<ConsumerRecord<String, String>> pollN(VarveConsumer<String, String> c, int polls) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        for (int i = 0; i < polls; i++) {
            c.poll(Duration.ofMillis(100)).forEach(out::add);
        }
        return out;
    }

    @Test
    void recordsComeBackWithKeyValueHeadersTimestampsInOffsetOrder() {
        net.append(0, 5).append(0, 5);
        try (VarveConsumer<String, String> c = consumer("auto.offset.reset", "earliest")) {
            c.assign(List.of(tp(0)));
            List<ConsumerRecord<String, String>> got = pollN(c, 3);
            assertEquals(10, got.size());
            for (int i = 0; i < 10; i++) {
                ConsumerRecord<String, String> r = got.get(i);
                assertEquals(i, r.offset());
                assertEquals("k" + i, r.key());
                assertEquals("v" + i, r.value());
                assertEquals(FakeNetwork.BASE_TS + 10L * i, r.timestamp());
                assertEquals(TimestampType.CREATE_TIME, r.timestampType());
                assertArrayEquals(Long.toString(i).getBytes(StandardCharsets.UTF_8), r.lastHeader("h"));
            }
            assertEquals(10L, c.position(tp(0)));
        }
    }

    @Test
    void seekIntoTheMiddleOfABatchSkipsTheRecordsBeforeIt() {
        net.append(0, 10);
        try (VarveConsumer<String, String> c = consumer()) {
            c.assign(List.of(tp(0)));
            c.seek(tp(0), 7);
            List<ConsumerRecord<String, String>> got = pollN(c, 2);
            assertEquals(List.of(7L, 8L, 9L), got.stream().map(ConsumerRecord::offset).toList());
            assertEquals(0L, net.fetches.get(0).topics().get(0).partitions().get(0).fetchOffset() - 7,
                "the fetch asked from the seeked offset; the broker returned the whole batch");
        }
    }

    @Test
    void maxPollRecordsCapsEachPollAndThePositionFollowsOnlyReturnedRecords() {
        net.append(0, 10).append(0, 10);
        try (VarveConsumer<String, String> c = consumer("auto.offset.reset", "earliest", "max.poll.records", 7)) {
            c.assign(List.of(tp(0)));
            ConsumerRecords<String, String> first = c.poll(Duration.ofMillis(100));
            assertEquals(7, first.count());
            assertEquals(7L, c.position(tp(0)));
            ConsumerRecords<String, String> second = c.poll(Duration.ofMillis(100));
            assertEquals(7, second.count());
            assertEquals(7L, second.records(tp(0)).get(0).offset());
            assertEquals(14L, c.position(tp(0)));
            assertEquals(6, c.poll(Duration.ofMillis(100)).count());
            assertEquals(20L, c.position(tp(0)));
        }
    }

    @Test
    void latestStartsAtTheLogEndAndReturnsOnlyNewRecords() {
        net.append(0, 5);
        try (VarveConsumer<String, String> c = consumer()) {
            c.assign(List.of(tp(0)));
            assertEquals(5L, c.position(tp(0)));
            assertTrue(c.poll(Duration.ofMillis(50)).isEmpty());
            net.append(0, 3);
            List<ConsumerRecord<String, String>> got = pollN(c, 2);
            assertEquals(List.of(5L, 6L, 7L), got.stream().map(ConsumerRecord::offset).toList());
        }
    }

    @Test
    void resetNoneRefusesToGuessUntilTheApplicationSeeks() {
        net.append(0, 5);
        try (VarveConsumer<String, String> c = consumer("auto.offset.reset", "none")) {
            c.assign(List.of(tp(0)));
            NoOffsetForPartitionException e = assertThrows(NoOffsetForPartitionException.class, () -> c.poll(Duration.ofMillis(10)));
            assertEquals(Set.of(tp(0)), e.partitions());
            assertThrows(NoOffsetForPartitionException.class, () -> c.position(tp(0)));
            c.seek(tp(0), 3);
            assertEquals(List.of(3L, 4L), pollN(c, 2).stream().map(ConsumerRecord::offset).toList());
        }
    }

    @Test
    void outOfRangeResetsByAutoOffsetReset() {
        net.append(0, 10);
        try (VarveConsumer<String, String> c = consumer("auto.offset.reset", "earliest")) {
            c.assign(List.of(tp(0)));
            c.seek(tp(0), 50);
            List<ConsumerRecord<String, String>> got = pollN(c, 3);
            assertEquals(10, got.size(), "reset to the log start, then everything");
            assertEquals(0L, got.get(0).offset());
        }
    }

    @Test
    void outOfRangeWithResetNoneFailsAndKeepsThePosition() {
        net.append(0, 10);
        try (VarveConsumer<String, String> c = consumer("auto.offset.reset", "none")) {
            c.assign(List.of(tp(0)));
            c.seek(tp(0), 50);
            OffsetOutOfRangeException e = assertThrows(OffsetOutOfRangeException.class, () -> pollN(c, 3));
            assertEquals(Map.of(tp(0), 50L), e.offsetOutOfRangePartitions());
            assertEquals(50L, c.position(tp(0)));
        }
    }

    @Test
    void pausedPartitionsReturnNothingUntilResumedAndKeepTheirPosition() {
        net.append(0, 4).append(1, 4);
        try (VarveConsumer<String, String> c = consumer("auto.offset.reset", "earliest")) {
            c.assign(List.of(tp(0), tp(1)));
            c.pause(List.of(tp(1)));
            assertEquals(Set.of(tp(1)), c.paused());
            List<ConsumerRecord<String, String>> got = pollN(c, 3);
            assertTrue(got.stream().allMatch(r -> r.partition() == 0), "nothing from the paused partition");
            assertEquals(4, got.size());
            assertEquals(0L, c.position(tp(1)));
            c.resume(List.of(tp(1)));
            assertEquals(Set.of(), c.paused());
            List<ConsumerRecord<String, String>> after = pollN(c, 2);
            assertEquals(List.of(0L, 1L, 2L, 3L), after.stream().map(ConsumerRecord::offset).toList());
            assertTrue(after.stream().allMatch(r -> r.partition() == 1));
        }
    }

    @Test
    void leadershipErrorsInvalidateMetadataAndTheFetchIsRetried() {
        net.append(0, 3);
        for (Errors e : List.of(Errors.NOT_LEADER_OR_FOLLOWER, Errors.FENCED_LEADER_EPOCH,
                Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.UNKNOWN_TOPIC_ID)) {
            net.fetchErrors.get(0).add(e);
        }
        try (VarveConsumer<String, String> c = consumer("auto.offset.reset", "earliest")) {
            c.assign(List.of(tp(0)));
            List<ConsumerRecord<String, String>> got = pollN(c, 20);
            assertEquals(3, got.size());
            assertTrue(net.invalidations >= 4, "each error invalidated the metadata: " + net.invalidations);
        }
    }

    @Test
    void aNonRetriableFetchErrorFailsThePoll() {
        net.append(0, 3);
        net.fetchErrors.get(0).add(Errors.TOPIC_AUTHORIZATION_FAILED);
        try (VarveConsumer<String, String> c = consumer("auto.offset.reset", "earliest")) {
            c.assign(List.of(tp(0)));
            ConsumerException e = assertThrows(ConsumerException.class, () -> pollN(c, 3));
            assertTrue(e.getMessage().contains("TOPIC_AUTHORIZATION_FAILED"), e.getMessage());
        }
    }

    @Test
    void theNextFetchIsInFlightWhileTheApplicationProcessesRecords() {
        net.append(0, 3);
        net.holdFetches = true;
        try (VarveConsumer<String, String> c = consumer("auto.offset.reset", "earliest")) {
            c.assign(List.of(tp(0)));
            assertTrue(c.poll(Duration.ZERO).isEmpty());
            assertEquals(1, net.fetches.size(), "one fetch outstanding");
            assertTrue(c.poll(Duration.ZERO).isEmpty());
            assertEquals(1, net.fetches.size(), "never two fetches outstanding to one node");
            net.releaseHeld();
            ConsumerRecords<String, String> got = c.poll(Duration.ZERO);
            assertEquals(3, got.count());
            assertEquals(2, net.fetches.size(), "the next fetch left before poll returned the records");
            assertEquals(3L, net.fetches.get(1).topics().get(0).partitions().get(0).fetchOffset());
            assertEquals(1, c.fetchesInFlight());
        }
    }

    @Test
    void fromV13FetchesNameTopicsByIdAndBelowByNameAndBothAnswersResolve() {
        net.append(0, 2);
        try (VarveConsumer<String, String> c = consumer("auto.offset.reset", "earliest")) {
            c.assign(List.of(tp(0)));
            assertEquals(2, pollN(c, 2).size());
            assertEquals("", net.fetches.get(0).topics().get(0).topic(), "v16 carries no name");
            assertEquals(net.topicId, net.fetches.get(0).topics().get(0).topicId());
        }
        FakeNetwork old = new FakeNetwork(1).append(0, 2);
        old.versions.put(io.varve.protocol.ApiKey.FETCH, (short) 12);
        try (VarveConsumer<String, String> c = consumerOn(old, "auto.offset.reset", "earliest")) {
            c.assign(List.of(tp(0)));
            assertEquals(2, pollN(c, 2).size());
            assertEquals(FakeNetwork.TOPIC, old.fetches.get(0).topics().get(0).topic());
            assertEquals(new java.util.UUID(0L, 0L), old.fetches.get(0).topics().get(0).topicId(), "v12 carries no id");
        }
    }

    @Test
    void dataFetchedBeforeASeekIsDropped() {
        net.append(0, 10);
        net.holdFetches = true;
        try (VarveConsumer<String, String> c = consumer("auto.offset.reset", "earliest")) {
            c.assign(List.of(tp(0)));
            c.poll(Duration.ZERO);
            c.seek(tp(0), 8);
            net.releaseHeld();
            net.holdFetches = false;
            List<ConsumerRecord<String, String>> got = pollN(c, 3);
            assertEquals(List.of(8L, 9L), got.stream().map(ConsumerRecord::offset).toList());
        }
    }

    @Test
    void aDeserializerFailureMovesNoPosition() {
        net.append(0, 3);
        Map<String, Object> props = Map.of("bootstrap.servers", "127.0.0.1:9092", "auto.offset.reset", "earliest");
        Deserializer<String> failsOnV2 = (topic, data) -> {
            String s = new String(data, StandardCharsets.UTF_8);
            if (s.equals("v2")) {
                throw new IllegalArgumentException("bad value");
            }
            return s;
        };
        try (VarveConsumer<String, String> c = new VarveConsumer<>(ConsumerConfig.from(props), net, net.clock,
                new Random(1), new StringDeserializer(), failsOnV2)) {
            c.assign(List.of(tp(0)));
            assertThrows(IllegalArgumentException.class, () -> pollN(c, 3));
            assertEquals(0L, c.position(tp(0)));
            c.seek(tp(0), 3);
            assertTrue(pollN(c, 1).isEmpty());
        }
    }

    @Test
    void offsetLookupsAnswerFromListOffsets() {
        net.append(0, 10).append(1, 4);
        try (VarveConsumer<String, String> c = consumer()) {
            assertEquals(Map.of(tp(0), 0L, tp(1), 0L), c.beginningOffsets(List.of(tp(0), tp(1))));
            assertEquals(Map.of(tp(0), 10L, tp(1), 4L), c.endOffsets(List.of(tp(0), tp(1))));
            Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(Map.of(tp(0), FakeNetwork.BASE_TS + 25, tp(1), 999_999L));
            assertEquals(new OffsetAndTimestamp(3, FakeNetwork.BASE_TS + 30), found.get(tp(0)));
            assertNull(found.get(tp(1)), "no record that recent");
            assertThrows(IllegalArgumentException.class, () -> c.offsetsForTimes(Map.of(tp(0), -5L)));
            c.assign(List.of(tp(0)));
            c.seekToEnd(List.of());
            assertEquals(10L, c.position(tp(0)));
            c.seekToBeginning(List.of(tp(0)));
            assertEquals(0L, c.position(tp(0)));
        }
    }

    @Test
    void misuseIsAProgrammerError() {
        try (VarveConsumer<String, String> c = consumer()) {
            assertThrows(IllegalStateException.class, () -> c.poll(Duration.ZERO), "nothing assigned");
            assertThrows(IllegalStateException.class, () -> c.seek(tp(0), 1), "not assigned");
            c.assign(List.of(tp(0)));
            assertThrows(IllegalArgumentException.class, () -> c.seek(tp(0), -1));
            c.close();
            assertThrows(IllegalStateException.class, () -> c.poll(Duration.ZERO));
        }
    }

    @Test
    void wakeupInterruptsTheNextPoll() {
        try (VarveConsumer<String, String> c = consumer("auto.offset.reset", "earliest")) {
            c.assign(List.of(tp(0)));
            c.wakeup();
            assertThrows(WakeupException.class, () -> c.poll(Duration.ofSeconds(10)));
            assertTrue(c.poll(Duration.ofMillis(10)).isEmpty(), "one wakeup, one exception");
        }
    }
}
