package io.varve.broker.replica;

import static io.varve.broker.replica.ReplicaFixture.NODE_ID;
import static io.varve.broker.replica.ReplicaFixture.OTHER_NODE;
import static io.varve.broker.replica.ReplicaFixture.partitionRecord;
import static io.varve.broker.replica.ReplicaFixture.topicRecords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.storage.LogManager;
import io.varve.storage.LogSlice;
import io.varve.storage.checkpoint.PartitionMetadataFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica manager keeps the local logs in step with the metadata image (DESIGN §6: brokers follow
 * the metadata log): a log for every partition led here, the image's leader epoch, and no log for a
 * topic the metadata no longer names: deleted when it went while the broker ran, set aside when it went
 * while the broker was down. Nothing is decided before the metadata caught up (DESIGN §5).
 */
class ReplicaManagerTest {

    @TempDir
    Path dir;
    private ReplicaFixture fixture;

    @BeforeEach
    void open() throws Exception {
        fixture = ReplicaFixture.open(dir);
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Test
    void opensALogForEveryPartitionReplicatedHereAndServesOnlyThoseLedHere() {
        fixture.registerOtherNode();
        UUID id = UUID.randomUUID();
        fixture.publish(new MetadataRecord.Topic("orders", id), partitionRecord(id, 0, NODE_ID, 0),
            partitionRecord(id, 1, OTHER_NODE, 0));

        Partition led = fixture.partition("orders", 0);
        assertNotNull(led);
        assertEquals(id, led.topicId());
        assertTrue(Files.isDirectory(fixture.partitionDir("orders", 0)));
        assertNull(fixture.partition("orders", 1), "led elsewhere: not served to clients");
        assertNotNull(fixture.log("orders", 1), "but replicated here: its follower log exists");
        assertEquals(Partition.Role.FOLLOWER, fixture.replicas().replica(new TopicPartition("orders", 1)).role());
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, fixture.replicas().errorFor(new TopicPartition("orders", 1)));
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, fixture.replicas().errorFor(new TopicPartition("orders", 2)));
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, fixture.replicas().errorFor(new TopicPartition("nope", 0)));
        assertSame(fixture.image(), fixture.replicas().image());
    }

    @Test
    void aNewLeaderEpochIsTakenWithoutReopeningTheLog() {
        UUID id = fixture.createTopic("orders", 1);
        fixture.append("orders", 0, Batches.of(1L, "a", "b"));
        Partition before = fixture.partition("orders", 0);
        assertEquals(0, before.leaderEpoch());

        fixture.publish(partitionRecord(id, 0, NODE_ID, 7));

        Partition after = fixture.partition("orders", 0);
        assertSame(before, after, "the same partition, its log kept open");
        assertEquals(7, after.leaderEpoch());
        assertEquals(2, after.logEndOffset());
        fixture.append("orders", 0, Batches.of(2L, "c"));
        try (LogSlice slice = after.read(2, 1024)) {
            assertEquals(7, slice.buffer().getInt(12, java.nio.ByteOrder.BIG_ENDIAN), "appends are stamped with the new epoch");
        }
    }

    @Test
    void aDeletedTopicLosesItsLogAndWakesItsWaiters() {
        fixture.createTopic("orders", 2);
        fixture.append("orders", 1, Batches.of(1L, "a"));
        List<TopicPartition> woken = new ArrayList<>();
        fixture.replicas().onAppend(woken::add);

        fixture.deleteTopic("orders");

        assertNull(fixture.partition("orders", 0));
        assertNull(fixture.partition("orders", 1));
        assertFalse(Files.exists(fixture.partitionDir("orders", 0)));
        assertFalse(Files.exists(fixture.partitionDir("orders", 1)));
        assertTrue(fixture.logs().allLogs().isEmpty());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, fixture.replicas().errorFor(new TopicPartition("orders", 0)));
        assertEquals(List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1)),
            woken.stream().sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList(),
            "waiting fetches are told so that they answer with the new error");
    }

    @Test
    void aTopicReCreatedUnderTheSameNameStartsFromAnEmptyLog() {
        UUID old = fixture.createTopic("orders", 1);
        fixture.append("orders", 0, Batches.of(1L, "old-1", "old-2", "old-3"));

        UUID fresh = UUID.randomUUID();
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.RemoveTopic(old));
        records.addAll(List.of(topicRecords("orders", fresh, 1)));
        fixture.publish(records.toArray(MetadataRecord[]::new)); // both in one image: the name never looked free

        Partition partition = fixture.partition("orders", 0);
        assertEquals(fresh, partition.topicId());
        assertEquals(0, partition.logStartOffset());
        assertEquals(0, partition.logEndOffset(), "nothing of the old topic is served under the new id");
        assertEquals(0L, fixture.append("orders", 0, Batches.of(2L, "new-1")));
    }

    /**
     * Issue 11, defect 1: a node that starts has an image that is empty or old (a voter or a metadata
     * follower replays the log as it learns it). Deciding on it deleted every log of a cluster that was
     * restarted whole. Nothing is hosted, led or deleted until an image holds this incarnation's own
     * registration, unfenced: everything committed before the start precedes it.
     */
    @Test
    void aRestartedNodeHostsNothingAndDeletesNothingUntilTheMetadataHoldsItsNewRegistrationUnfenced() throws Exception {
        UUID id = fixture.createTopic("orders", 2);
        fixture.append("orders", 0, Batches.of(1L, "a", "b"));
        MetadataImage committed = fixture.image();

        fixture.restart(MetadataImage.empty("test-cluster")); // as a voter restarts: its image replays from nothing
        fixture.publish(); // the metadata log read so far names no topic
        fixture.resetImage(committed);
        fixture.replicas().onImage(committed); // every record committed, but this node's registration is the last incarnation's

        assertTrue(fixture.replicas().partitions().isEmpty(), "nothing hosted, nothing led");
        assertEquals(2, fixture.log("orders", 0).logEndOffset(), "and nothing deleted");
        assertTrue(Files.isDirectory(fixture.partitionDir("orders", 1)));

        MetadataImage registered = fixture.publish(new MetadataRecord.RegisterBroker(NODE_ID, "127.0.0.1", 9091, null));
        fixture.replicas().onRegistered(registered.broker(NODE_ID).epoch());
        assertTrue(fixture.replicas().partitions().isEmpty(), "registered but still fenced: still nothing");

        fixture.publish(new MetadataRecord.UnfenceBroker(NODE_ID, registered.broker(NODE_ID).epoch()),
            partitionRecord(id, 0, NODE_ID, 1), partitionRecord(id, 1, NODE_ID, 1));
        Partition orders = fixture.partition("orders", 0);
        assertNotNull(orders);
        assertEquals(2, orders.logEndOffset(), "the acknowledged records survived the restart");
        assertEquals(1, orders.leaderEpoch());
        assertNotNull(fixture.partition("orders", 1));
    }

    @Test
    void logsOfTopicsDeletedWhileTheBrokerWasDownAreSetAsideAtStartupNotDeleted() throws Exception {
        fixture.createTopic("kept", 1);
        fixture.createTopic("gone", 2);
        fixture.append("kept", 0, Batches.of(1L, "k1", "k2"));
        fixture.append("gone", 0, Batches.of(1L, "g1"));
        MetadataImage withoutGone = fixture.next(new MetadataRecord.RemoveTopic(fixture.image().topic("gone").topicId()));

        fixture.restartWith(withoutGone);

        assertEquals(2, fixture.partition("kept", 0).logEndOffset(), "the kept topic's data survives the restart");
        assertNull(fixture.partition("gone", 0));
        assertNull(fixture.log("gone", 0));
        assertFalse(Files.exists(fixture.partitionDir("gone", 0)));
        assertFalse(Files.exists(fixture.partitionDir("gone", 1)));
        List<Path> stray = strayDirs("gone-0.");
        assertEquals(1, stray.size(), "set aside, not deleted: " + stray);
        assertTrue(Files.exists(stray.get(0).resolve("00000000000000000000.log")));
        assertEquals(1, strayDirs("gone-1.").size());

        fixture.restartWith(fixture.image());
        assertNull(fixture.log("gone", 0), "a stray directory is never opened again");
        assertEquals(2, fixture.partition("kept", 0).logEndOffset());
    }

    @Test
    void aLogOfAnEarlierTopicOfTheSameNameIsSetAsideAndTheNewTopicStartsEmpty() throws Exception {
        UUID old = fixture.createTopic("orders", 1);
        fixture.append("orders", 0, Batches.of(1L, "old-1", "old-2"));
        UUID fresh = UUID.randomUUID();
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.RemoveTopic(old));
        records.addAll(List.of(topicRecords("orders", fresh, 1)));
        MetadataImage recreated = fixture.next(records.toArray(MetadataRecord[]::new)); // while this node was down

        fixture.restartWith(recreated);

        Partition partition = fixture.partition("orders", 0);
        assertEquals(fresh, partition.topicId());
        assertEquals(0, partition.logEndOffset(), "nothing of the old topic is served under the new id");
        assertEquals(Optional.of(fresh), PartitionMetadataFile.read(fixture.partitionDir("orders", 0)));
        List<Path> stray = strayDirs("orders-0.");
        assertEquals(1, stray.size());
        assertEquals(Optional.of(old), PartitionMetadataFile.read(stray.get(0)), "the old topic's log, kept aside");
    }

    @Test
    void thisNodeLeadsOnlyWhileItsCurrentRegistrationIsUnfenced() {
        fixture.createTopic("orders", 1);
        long epoch = fixture.image().broker(NODE_ID).epoch();

        fixture.publish(new MetadataRecord.FenceBroker(NODE_ID, epoch)); // the lease ran out; the image still names it

        assertNull(fixture.partition("orders", 0), "a fenced broker leads nothing");
        assertEquals(Partition.Role.OFFLINE, fixture.replicas().replica(new TopicPartition("orders", 0)).role());
        assertNotNull(fixture.log("orders", 0), "and keeps its log");
        fixture.publish(new MetadataRecord.UnfenceBroker(NODE_ID, epoch));
        assertNotNull(fixture.partition("orders", 0));
    }

    private List<Path> strayDirs(String prefix) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(p -> p.getFileName().toString().startsWith(prefix)
                && p.getFileName().toString().endsWith(LogManager.STRAY_SUFFIX)).toList();
        }
    }

    @Test
    void aRestartOnTheSameImageReopensEveryLogWithItsData() throws Exception {
        UUID id = fixture.createTopic("orders", 1);
        fixture.publish(partitionRecord(id, 0, NODE_ID, 3));
        fixture.append("orders", 0, Batches.of(1L, "a", "b", "c"));

        fixture.restartWith(fixture.image());

        Partition partition = fixture.partition("orders", 0);
        assertEquals(3, partition.logEndOffset());
        assertEquals(3, partition.leaderEpoch());
        assertEquals(id, partition.topicId());
    }

    @Test
    void aPartitionWhoseLeadershipMovesAwayIsNoLongerServedButKeepsItsLog() {
        fixture.registerOtherNode();
        UUID id = fixture.createTopic("orders", 1);
        fixture.append("orders", 0, Batches.of(1L, "a", "b"));
        fixture.publish(partitionRecord(id, 0, OTHER_NODE, 1));

        assertNull(fixture.partition("orders", 0));
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, fixture.replicas().errorFor(new TopicPartition("orders", 0)));
        Partition follower = fixture.replicas().replica(new TopicPartition("orders", 0));
        assertEquals(Partition.Role.FOLLOWER, follower.role());
        assertEquals(2, follower.logEndOffset(), "a log is never deleted because leadership moved");

        fixture.fenceOtherNode();
        assertEquals(Partition.Role.OFFLINE, follower.role(), "a fenced leader is not fetched from");
        assertEquals(2, fixture.log("orders", 0).logEndOffset(), "and the log stays");
    }

    @Test
    void aPartitionThisNodeNoLongerReplicatesHasItsLogDeleted() {
        UUID id = fixture.createTopic("orders", 1);
        fixture.append("orders", 0, Batches.of(1L, "a"));
        fixture.publish(new MetadataRecord.Partition(id, 0, new int[] {OTHER_NODE}, new int[] {OTHER_NODE}, OTHER_NODE, 1, 1));

        assertTrue(fixture.replicas().partitions().isEmpty());
        assertNull(fixture.log("orders", 0));
        assertFalse(Files.exists(fixture.partitionDir("orders", 0)));
    }
}
