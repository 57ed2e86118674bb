package io.varve.raft.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Records applied to an image: what each one changes, and that records that do not fit are bugs. */
class MetadataDeltaTest {

    private static final UUID ORDERS = new UUID(1, 1);
    private static final UUID PAYMENTS = new UUID(2, 2);

    private static MetadataImage apply(MetadataImage base, MetadataRecord... records) {
        MetadataDelta delta = new MetadataDelta(base);
        long offset = base.lastAppliedOffset();
        for (MetadataRecord record : records) {
            delta.replay(record, ++offset);
        }
        return delta.apply();
    }

    private static MetadataRecord.Partition partition(UUID topic, int index, int leader, int... replicas) {
        return new MetadataRecord.Partition(topic, index, replicas, replicas, leader, 0, 0);
    }

    private static MetadataImage withOrders() {
        return apply(MetadataImage.empty("c1"),
            new MetadataRecord.RegisterBroker(1, "h1", 9092, null),
            new MetadataRecord.RegisterBroker(2, "h2", 9092, "r2"),
            new MetadataRecord.Topic("orders", ORDERS),
            partition(ORDERS, 0, 1, 1, 2),
            partition(ORDERS, 1, 2, 2, 1),
            new MetadataRecord.Config(ConfigResourceType.TOPIC, "orders", "retention.ms", "60000"));
    }

    @Test
    void emptyImageHasNothingAndNoOffset() {
        MetadataImage empty = MetadataImage.empty("c1");
        assertEquals("c1", empty.clusterId());
        assertEquals(MetadataImage.NO_OFFSET, empty.lastAppliedOffset());
        assertEquals(0, empty.brokers().size() + empty.topicsByName().size() + empty.partitionCount());
    }

    @Test
    void topicPartitionsBrokersAndConfigsAppear() {
        MetadataImage image = withOrders();
        assertEquals(5, image.lastAppliedOffset());
        assertEquals(new BrokerRegistration(2, "h2", 9092, "r2", 1, true, false), image.broker(2),
            "epoch = the registration's offset; fenced until it heartbeats");
        TopicImage orders = image.topic("orders");
        assertSame(orders, image.topic(ORDERS));
        assertEquals(2, orders.partitionCount());
        assertEquals(2, image.partitionCount());
        assertEquals(2, orders.partition(1).leader());
        assertArrayEquals(new int[] {2, 1}, orders.partition(1).replicas());
        assertEquals(Map.of("retention.ms", "60000"), orders.configs());
    }

    @Test
    void theBaseImageNeverChanges() {
        MetadataImage base = withOrders();
        MetadataImage next = apply(base, new MetadataRecord.RemoveTopic(ORDERS),
            new MetadataRecord.RegisterBroker(3, "h3", 1, null));
        assertEquals(2, base.topic("orders").partitionCount());
        assertEquals(2, base.brokers().size());
        assertNull(next.topic("orders"));
        assertEquals(3, next.brokers().size());
    }

    @Test
    void untouchedTopicsAreSharedWithTheNextImage() {
        MetadataImage base = apply(withOrders(), new MetadataRecord.Topic("payments", PAYMENTS));
        MetadataImage next = apply(base, partition(PAYMENTS, 0, 1, 1));
        assertSame(base.topic("orders"), next.topic("orders"));
    }

    @Test
    void aLaterPartitionRecordReplacesTheEarlierOne() {
        MetadataImage image = apply(withOrders(),
            new MetadataRecord.Partition(ORDERS, 0, new int[] {1, 2}, new int[] {2}, 2, 1, 1));
        PartitionImage p0 = image.topic("orders").partition(0);
        assertEquals(2, p0.leader());
        assertEquals(1, p0.leaderEpoch());
        assertArrayEquals(new int[] {2}, p0.isr());
    }

    @Test
    void removeTopicDropsItByNameAndIdWithItsConfigsAndTheNameCanBeReused() {
        MetadataImage image = apply(withOrders(), new MetadataRecord.RemoveTopic(ORDERS),
            new MetadataRecord.Topic("orders", PAYMENTS), partition(PAYMENTS, 0, 1, 1));
        assertNull(image.topic(ORDERS));
        assertEquals(PAYMENTS, image.topic("orders").topicId());
        assertEquals(Map.of(), image.topic("orders").configs());
        assertEquals(1, image.partitionCount());
    }

    @Test
    void aNullConfigValueDeletesTheConfig() {
        MetadataImage image = apply(withOrders(),
            new MetadataRecord.Config(ConfigResourceType.TOPIC, "orders", "retention.ms", null),
            new MetadataRecord.Config(ConfigResourceType.BROKER, "1", "log.retention.ms", "5"));
        assertEquals(Map.of(), image.topic("orders").configs());
        assertEquals(Map.of("1", Map.of("log.retention.ms", "5")), image.brokerConfigs());
        MetadataImage deleted = apply(image, new MetadataRecord.Config(ConfigResourceType.BROKER, "1", "log.retention.ms", null));
        assertEquals(Map.of(), deleted.brokerConfigs());
    }

    @Test
    void fencingUnfencingAndControlledShutdownChangeOnlyTheBrokersFlags() {
        MetadataImage image = apply(withOrders(), new MetadataRecord.UnfenceBroker(1, 0));
        assertEquals(new BrokerRegistration(1, "h1", 9092, null, 0, false, false), image.broker(1));
        assertEquals(List.of(image.broker(1)), image.activeBrokers());
        MetadataImage draining = apply(image, new MetadataRecord.BrokerControlledShutdown(1, 0));
        assertEquals(new BrokerRegistration(1, "h1", 9092, null, 0, false, true), draining.broker(1));
        assertEquals(List.of(), draining.activeBrokers());
        MetadataImage fenced = apply(draining, new MetadataRecord.FenceBroker(1, 0));
        assertEquals(new BrokerRegistration(1, "h1", 9092, null, 0, true, true), fenced.broker(1));
        MetadataImage reborn = apply(fenced, new MetadataRecord.RegisterBroker(1, "h1", 9093, null));
        assertEquals(new BrokerRegistration(1, "h1", 9093, null, fenced.lastAppliedOffset() + 1, true, false),
            reborn.broker(1), "a new incarnation: new epoch, out of controlled shutdown, fenced until it heartbeats");
    }

    @Test
    void producerIdsMoveForwardOnly() {
        MetadataImage image = apply(withOrders(), new MetadataRecord.ProducerIds(1, 1000));
        assertEquals(1000, image.nextProducerId());
        assertThrows(IllegalStateException.class, () -> apply(image, new MetadataRecord.ProducerIds(1, 1000)));
    }

    @Test
    void recordsThatDoNotFitAreBugs() {
        MetadataImage image = withOrders();
        List<MetadataRecord> misfits = List.of(
            partition(PAYMENTS, 0, 1, 1),
            new MetadataRecord.RemoveTopic(PAYMENTS),
            new MetadataRecord.Config(ConfigResourceType.TOPIC, "payments", "k", "v"),
            new MetadataRecord.FenceBroker(9, 0),
            new MetadataRecord.UnfenceBroker(1, 1),
            new MetadataRecord.BrokerControlledShutdown(2, 0),
            new MetadataRecord.Topic("orders", PAYMENTS),
            new MetadataRecord.Topic("payments", ORDERS),
            partition(ORDERS, 3, 1, 1));
        for (MetadataRecord misfit : misfits) {
            assertThrows(IllegalStateException.class, () -> apply(image, misfit), misfit.toString());
        }
    }

    @Test
    void offsetsMustMoveForward() {
        MetadataDelta delta = new MetadataDelta(withOrders());
        assertThrows(IllegalStateException.class, () -> delta.replay(new MetadataRecord.RegisterBroker(3, "h", 1, null), 5));
    }

    @Test
    void theImageCannotBeModified() {
        MetadataImage image = withOrders();
        assertThrows(UnsupportedOperationException.class, () -> image.brokers().clear());
        assertThrows(UnsupportedOperationException.class, () -> image.topicsByName().clear());
        assertThrows(UnsupportedOperationException.class, () -> image.topic("orders").partitions().clear());
        image.topic("orders").partition(0).replicas()[0] = 99;
        assertEquals(1, image.topic("orders").partition(0).replica(0));
    }
}
