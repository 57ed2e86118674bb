package io.varve.broker.replica;

import static io.varve.broker.replica.ReplicaFixture.NODE_ID;
import static io.varve.broker.replica.ReplicaFixture.OTHER_NODE;
import static io.varve.broker.replica.ReplicaFixture.partitionRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.raft.metadata.BrokerRegistration;
import io.varve.storage.AppendResult.AppendError;
import io.varve.storage.StorageErrorListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, defect 6: a storage error takes the log directory offline (Kafka's LogDirFailureChannel). At once
 * every partition in it answers KAFKA_STORAGE_ERROR; when the heartbeat asks for the offline directories, the
 * partitions stop and their fetchers are taken away; later images give them no role; a restart brings the
 * directory back online with its data.
 */
class LogDirOfflineTest {

    @TempDir
    Path dir;
    private ReplicaFixture fixture;
    private final List<String> fetcherEvents = new ArrayList<>();
    private final AtomicInteger offlineCalls = new AtomicInteger();
    private final List<TopicPartition> woken = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        fixture = ReplicaFixture.open(dir);
        fixture.replicas().onFollowerChange(new ReplicaManager.FollowerListener() {
            @Override
            public void follow(Partition partition, BrokerRegistration leader) {
                fetcherEvents.add("follow " + partition.topicPartition() + " from " + leader.nodeId());
            }

            @Override
            public void unfollow(TopicPartition tp) {
                fetcherEvents.add("unfollow " + tp);
            }
        });
        fixture.replicas().onLogDirOffline(offlineCalls::incrementAndGet);
        fixture.replicas().onAppend(woken::add);
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Test
    void aStorageErrorTakesTheDirectoryOfflineAndItsPartitionsStopUntilARestart() throws Exception {
        fixture.registerOtherNode();
        UUID led = fixture.createTopic("led", 1);
        UUID followed = fixture.createTopic("followed", 1);
        fixture.append("led", 0, Batches.of(1L, "a", "b"));
        fixture.publish(partitionRecord(followed, 0, OTHER_NODE, 1));
        TopicPartition ledTp = new TopicPartition("led", 0);
        TopicPartition followedTp = new TopicPartition("followed", 0);
        Partition ledPartition = fixture.partition("led", 0);
        Partition follower = fixture.replicas().replica(followedTp);
        assertEquals(Partition.Role.FOLLOWER, follower.role());
        fetcherEvents.clear();
        woken.clear();

        // As a failed flush of one log reports it: the whole directory goes offline, once.
        fixture.replicas().onStorageError(ledTp, dir, StorageErrorListener.Kind.FAILED, new IOException("injected"));
        fixture.replicas().onStorageError(followedTp, dir, StorageErrorListener.Kind.FULL, new IOException("again"));

        assertEquals(1, offlineCalls.get(), "the listener (the heartbeat's trigger) is told once");
        assertEquals(Set.of(dir), fixture.logs().offlineLogDirs());
        assertNull(fixture.partition("led", 0), "not served as leader any more, at once");
        assertEquals(Errors.KAFKA_STORAGE_ERROR, fixture.replicas().errorFor(ledTp));
        assertEquals(Errors.KAFKA_STORAGE_ERROR, fixture.replicas().errorFor(followedTp));
        ByteBuffer batch = Batches.of(1L, "c");
        assertEquals(AppendError.STORAGE_FAILED, ledPartition.appendAsLeader(new UnsafeBuffer(batch), 0,
            batch.remaining(), true).result().error(), "its log takes no more writes");
        assertEquals(List.of(), fetcherEvents, "nothing is stopped on the thread that met the error");

        assertEquals(List.of(dir.toString()), fixture.replicas().reportOfflineLogDirs());

        assertEquals(Partition.Role.OFFLINE, ledPartition.role());
        assertEquals(Partition.Role.OFFLINE, follower.role());
        assertEquals(1, fetcherEvents.stream().filter(e -> e.equals("unfollow " + followedTp)).count(), fetcherEvents.toString());
        assertEquals(2, fetcherEvents.size(), "both partitions' fetchers are taken away: " + fetcherEvents);
        assertEquals(List.of(ledTp, followedTp), woken.stream().sorted(java.util.Comparator.comparing(
            TopicPartition::topic).reversed()).toList(), "requests waiting on them are answered");
        fixture.replicas().reportOfflineLogDirs();
        assertEquals(2, fetcherEvents.size(), "stopped once");

        // The controller moved the leadership: the offline replica takes no role, fetches nothing.
        fixture.publish(partitionRecord(led, 0, OTHER_NODE, 1));
        assertEquals(Partition.Role.OFFLINE, ledPartition.role());
        assertEquals(2, fetcherEvents.size(), "no fetcher for an offline partition: " + fetcherEvents);
        assertEquals(Errors.KAFKA_STORAGE_ERROR, fixture.replicas().errorFor(ledTp));

        // A restart brings the directory back online, with the data it held.
        fixture.restartWith(fixture.image());
        assertEquals(Set.of(), fixture.logs().offlineLogDirs());
        assertEquals(List.of(), fixture.replicas().reportOfflineLogDirs());
        Partition again = fixture.replicas().replica(ledTp);
        assertNotNull(again);
        assertEquals(Partition.Role.FOLLOWER, again.role());
        assertEquals(2, again.logEndOffset(), "nothing was lost");
        assertEquals(NODE_ID, fixture.replicas().nodeId());
    }
}
