package io.varve.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.varve.config.ConfigDocs;
import io.varve.config.ConfigException;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The coordinator's properties: Kafka's defaults, validated, and documented verbatim in docs/configuration.md. */
class GroupCoordinatorConfigTest {

    @Test
    void docCarriesTheTableVerbatim() throws IOException {
        ConfigDocs.assertTablesInDoc(GroupCoordinatorConfig.DEF);
    }

    @Test
    void defaultsAreKafkas() {
        GroupCoordinatorConfig c = GroupCoordinatorConfig.defaults();
        assertEquals(3000, c.initialRebalanceDelayMs());
        assertEquals(6000, c.minSessionTimeoutMs());
        assertEquals(1_800_000, c.maxSessionTimeoutMs());
        assertEquals(50, c.offsetsTopicNumPartitions());
        assertEquals(7L * 24 * 3600 * 1000, c.offsetsRetentionMs());
    }

    @Test
    void inconsistentOrOutOfRangeValuesAreRefused() {
        assertThrows(ConfigException.class, () -> GroupCoordinatorConfig.from(Map.of(
            GroupCoordinatorConfig.GROUP_MIN_SESSION_TIMEOUT_MS, 10_000,
            GroupCoordinatorConfig.GROUP_MAX_SESSION_TIMEOUT_MS, 5_000)));
        assertThrows(ConfigException.class, () -> GroupCoordinatorConfig.from(Map.of(
            GroupCoordinatorConfig.OFFSETS_TOPIC_NUM_PARTITIONS, 0)));
    }

    @Test
    void groupsMapToPartitionsAsKafkaMapsThem() {
        for (String g : new String[] {"", "g", "orders-service", "Aa", "BB", "\u00e9t\u00e9"}) {
            assertEquals(org.apache.kafka.common.utils.Utils.abs(g.hashCode()) % 50, OffsetsTopic.partitionFor(g, 50));
        }
        // a hash of Integer.MIN_VALUE: Kafka's abs clears the sign bit instead of overflowing
        String min = "polygenelubricants";
        assertEquals(Integer.MIN_VALUE, min.hashCode());
        assertEquals(0, OffsetsTopic.partitionFor(min, 50));
    }
}
