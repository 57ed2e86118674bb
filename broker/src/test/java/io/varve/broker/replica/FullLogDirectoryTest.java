package io.varve.broker.replica;

import static io.varve.broker.replica.ReplicaFixture.topicRecords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.varve.common.SmallTmpfs;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, defect 6, the broker's side: when its log directory fills up, a produce is answered
 * KAFKA_STORAGE_ERROR with nothing written and the directory goes offline (its partitions answer
 * KAFKA_STORAGE_ERROR, the heartbeat reports it, so that the controller moves their leaderships); the node
 * goes on following the metadata (a topic it cannot host is skipped), deleting a topic works, and after a
 * restart with space back the directory is online and hosts again. On a real 4 MiB tmpfs (mounting needs
 * root, as in CI).
 */
class FullLogDirectoryTest {

    @TempDir
    Path dir;
    private SmallTmpfs tmpfs;
    private ReplicaFixture fixture;

    @BeforeEach
    void mount() throws Exception {
        tmpfs = SmallTmpfs.mount(dir, 4 << 20);
        Assumptions.assumeTrue(tmpfs != null, "needs root to mount a 4 MiB tmpfs for the log directory");
        fixture = ReplicaFixture.open(tmpfs.path());
    }

    @AfterEach
    void unmount() throws Exception {
        try {
            if (fixture != null) {
                fixture.close(); // may fail on the full disk; the mount goes all the same
            }
        } finally {
            if (tmpfs != null) {
                tmpfs.close();
            }
        }
    }

    @Test
    void aFullLogDirectoryStopsNeitherTheMetadataNorDeletion() throws Exception {
        fixture.createTopic("kept", 1);
        fixture.append("kept", 0, Batches.of(1L, "a", "b"));
        Path filler = tmpfs.fillUp();

        // The active segment's space was allocated ahead before the disk filled: appends go on until it is used.
        Partition kept = fixture.partition("kept", 0);
        long accepted = 2;
        Partition.LeaderAppend last = null;
        for (int i = 0; i < 2_000; i++) {
            java.nio.ByteBuffer batch = Batches.of(1L, "x".repeat(2000));
            last = kept.appendAsLeader(new org.agrona.concurrent.UnsafeBuffer(batch), 0, batch.remaining(), true);
            if (!last.result().isOk()) {
                break;
            }
            accepted++;
        }
        assertEquals(Errors.NONE, last.refusal());
        assertEquals(io.varve.storage.AppendResult.AppendError.STORAGE_FULL, last.result().error(),
            "refused as full, nothing written: " + last.result());
        assertEquals(accepted, kept.logEndOffset());

        // The full disk took the directory offline: the partition answers KAFKA_STORAGE_ERROR, the heartbeat says so.
        TopicPartition keptTp = new TopicPartition("kept", 0);
        assertEquals(Set.of(tmpfs.path()), fixture.logs().offlineLogDirs());
        assertNull(fixture.partition("kept", 0), "no longer served as leader");
        assertEquals(Errors.KAFKA_STORAGE_ERROR, fixture.replicas().errorFor(keptTp));
        assertEquals(List.of(tmpfs.path().toString()), fixture.replicas().reportOfflineLogDirs());
        assertEquals(Partition.Role.OFFLINE, kept.role(), "stopped when reported");
        assertEquals(accepted, kept.logEndOffset(), "and nothing more was written");

        UUID late = UUID.randomUUID();
        fixture.publish(topicRecords("late", late, 1)); // must not throw, nor stop the next images
        assertNull(fixture.partition("late", 0), "no log can be made in an offline directory: not hosted");

        fixture.deleteTopic("kept"); // deleting works on a full, offline disk, and frees space
        assertNull(fixture.log("kept", 0));
        assertFalse(Files.exists(fixture.partitionDir("kept", 0)));

        tmpfs.free(filler);
        fixture.publish();
        assertNull(fixture.partition("late", 0), "offline until the node restarts, as in Kafka");

        fixture.restartWith(fixture.image()); // a restart with space back brings the directory online
        assertEquals(Set.of(), fixture.logs().offlineLogDirs());
        assertNotNull(fixture.partition("late", 0), "hosted after the restart");
        fixture.append("late", 0, Batches.of(1L, "c"));
        assertEquals(1, fixture.partition("late", 0).logEndOffset());
    }
}
