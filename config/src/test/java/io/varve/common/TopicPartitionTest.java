package io.varve.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicPartitionTest {

    @ParameterizedTest
    @ValueSource(strings = {"orders", "orders-eu", "a-b-c-1", "__consumer_offsets", "x.y_z", "-leading", "trailing-", "9"})
    void directoryNameRoundTripsForValidTopics(String topic) {
        for (int partition : new int[] {0, 7, 123, Integer.MAX_VALUE}) {
            TopicPartition tp = new TopicPartition(topic, partition);
            assertEquals(topic + "-" + partition, tp.directoryName());
            assertEquals(tp, TopicPartition.parseDirectoryName(tp.directoryName()));
        }
    }

    @Test
    void lastDashSeparatesThePartition() {
        assertEquals(new TopicPartition("orders-eu", 3), TopicPartition.parseDirectoryName("orders-eu-3"));
        assertEquals(new TopicPartition("t-", 1), TopicPartition.parseDirectoryName("t--1"), "partitions are never negative");
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders", "orders-", "-3", "-", "", "orders-x", "orders-3x", "orders-99999999999", "orders-1.5"})
    void malformedDirectoryNamesAreRefused(String name) {
        assertThrows(IllegalArgumentException.class, () -> TopicPartition.parseDirectoryName(name));
    }

    @Test
    void negativePartitionOrNullTopicIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TopicPartition("t", -1));
        assertThrows(NullPointerException.class, () -> new TopicPartition(null, 0));
    }

    @Test
    void topicNamesAreCheckedAsKafkaDoes() {
        assertTrue(TopicPartition.isValidTopicName("a"));
        assertTrue(TopicPartition.isValidTopicName("Orders.EU_1-x"));
        assertTrue(TopicPartition.isValidTopicName("a".repeat(TopicPartition.MAX_TOPIC_LENGTH)));
        assertTrue(TopicPartition.isValidTopicName("..."));

        assertFalse(TopicPartition.isValidTopicName(null));
        assertFalse(TopicPartition.isValidTopicName(""));
        assertFalse(TopicPartition.isValidTopicName("."));
        assertFalse(TopicPartition.isValidTopicName(".."));
        assertFalse(TopicPartition.isValidTopicName("a".repeat(TopicPartition.MAX_TOPIC_LENGTH + 1)));
        assertFalse(TopicPartition.isValidTopicName("has space"));
        assertFalse(TopicPartition.isValidTopicName("a/b"));
        assertFalse(TopicPartition.isValidTopicName("ä"));
        assertFalse(TopicPartition.isValidTopicName("a:b"));
    }

    @Test
    void ordersByTopicThenPartitionNumerically() {
        List<TopicPartition> list = new ArrayList<>(List.of(
            new TopicPartition("b", 0), new TopicPartition("a", 10), new TopicPartition("a", 2)));
        Collections.sort(list);
        assertEquals(List.of(new TopicPartition("a", 2), new TopicPartition("a", 10), new TopicPartition("b", 0)), list);
    }

    @Test
    void toStringIsTheDirectoryName() {
        assertEquals("orders-eu-3", new TopicPartition("orders-eu", 3).toString());
    }

    @Test
    void aTopicThatCouldEscapeTheLogDirectoryIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TopicPartition("../../etc", 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TopicPartition("", 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TopicPartition.parseDirectoryName("a b-0"));
    }

    @Test
    void onlyCanonicalPartitionNumbersParse() {
        for (String name : new String[] {"t-+1", "t-01", "t- 1", "t-1x"}) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TopicPartition.parseDirectoryName(name), name);
        }
        org.junit.jupiter.api.Assertions.assertEquals(new TopicPartition("t", 10), TopicPartition.parseDirectoryName("t-10"));
        org.junit.jupiter.api.Assertions.assertEquals(new TopicPartition("t", 0), TopicPartition.parseDirectoryName("t-0"));
    }
}
