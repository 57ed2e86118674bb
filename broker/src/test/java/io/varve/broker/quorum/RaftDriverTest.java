package io.varve.broker.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.config.LogConfig;
import io.varve.raft.core.HardState;
import io.varve.raft.core.RaftConfig;
import io.varve.raft.core.RaftEntry;
import io.varve.raft.core.RaftMessage;
import io.varve.raft.core.RaftNode;
import io.varve.raft.core.RaftStatus;
import io.varve.raft.controller.Controller;
import io.varve.raft.core.SnapshotMeta;
import io.varve.raft.log.AppendOutcome;
import io.varve.raft.log.MetadataSnapshotFiles;
import io.varve.raft.metadata.MetadataDelta;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.log.QuorumStateFile;
import io.varve.raft.log.MetadataRaftLog;
import io.varve.raft.metadata.MetadataRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver does each Ready in the order the core demands (Raft §5.1 "persistent state ... updated on
 * stable storage before responding to RPCs"): the term and vote are in {@code quorum-state}, and the
 * entries in the metadata log, before any message that depends on them leaves. Driven turn by turn
 * on a manual clock, without the driver's thread; the transport checks the disk at each send.
 */
class RaftDriverTest {

    private static final int ELECTION_TIMEOUT_MS = 1000;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final List<RaftMessage> sent = new ArrayList<>();
    private MetadataRaftLog log;
    private QuorumStateFile stateFile;
    private RaftDriver driver;

    @BeforeEach
    void open() throws IOException {
        log = MetadataRaftLog.open(dir, LogConfig.from(Map.of()), clock);
        stateFile = new QuorumStateFile(dir);
        RaftNode node = new RaftNode(new RaftConfig(1, Set.of(1, 2, 3), ELECTION_TIMEOUT_MS, 100, 1 << 20, 4),
            stateFile.read(), log, new Random(7), clock.nanoTime());
        driver = new RaftDriver(node, log, stateFile, this::onSend, clock, 10);
    }

    @AfterEach
    void close() {
        driver.close();
        log.close();
    }

    /** The transport: before a message leaves, what it implies must already be on disk. */
    private void onSend(RaftMessage m) {
        try {
            HardState durable = stateFile.read();
            assertTrue(durable.term() >= m.term() || m instanceof RaftMessage.VoteRequest v && v.preVote(),
                "sent " + m + " with term " + durable.term() + " on disk");
            if (m instanceof RaftMessage.VoteRequest v && !v.preVote()) {
                assertEquals(new HardState(m.term(), 1), durable, "a candidate's own vote is durable before it asks");
            }
            if (m instanceof RaftMessage.AppendRequest a && !a.entries().isEmpty()) {
                RaftEntry last = a.entries().get(a.entries().size() - 1);
                assertTrue(log.lastIndex() >= last.index(), "entries are in the log before they are sent: " + a);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sent.add(m);
    }

    @Test
    void electsItselfPersistingBeforeSendingThenCommitsAProposalWithItsOffsets() throws Exception {
        clock.advanceMs(2L * ELECTION_TIMEOUT_MS + 1);
        driver.runOnce(0);
        assertTrue(sent.stream().anyMatch(m -> m instanceof RaftMessage.VoteRequest v && v.preVote()), sent.toString());

        int term = driver.status().term() + 1;
        driver.offer(new RaftMessage.VoteResponse(2, 1, term, true, true));
        driver.runOnce(0);
        assertEquals(new HardState(term, 1), stateFile.read());

        driver.offer(new RaftMessage.VoteResponse(2, 1, term, false, true));
        driver.runOnce(0);
        assertEquals(RaftStatus.Role.LEADER, driver.status().role());
        assertEquals(1, log.lastIndex(), "the new leader's no-op is in the log");
        assertEquals(0, driver.committedEndOffset(), "nothing is committed before a follower acknowledges");

        driver.offer(new RaftMessage.AppendResponse(2, 1, term, true, 1));
        driver.runOnce(0);
        assertEquals(0, driver.committedEndOffset(), "the committed no-op (offset 0) holds no record");

        CompletableFuture<AppendOutcome> proposal = driver.propose(log.encode(List.of(
            new MetadataRecord.Topic("a", new UUID(1, 1)), new MetadataRecord.Topic("b", new UUID(1, 2)))), 5000);
        driver.runOnce(0);
        assertFalse(proposal.isDone(), "one voter of three holds it");
        driver.offer(new RaftMessage.AppendResponse(3, 1, term, true, 2));
        driver.runOnce(0);
        assertEquals(AppendOutcome.committed(1, 2), proposal.getNow(null));
        assertEquals(3, driver.committedEndOffset());
        List<String> names = new ArrayList<>();
        new RaftQuorum(driver, 5000).read(0, (r, o) -> names.add(((MetadataRecord.Topic) r).name() + "@" + o));
        assertEquals(List.of("a@1", "b@2"), names);
    }

    @Test
    void aFollowerRefusesProposalsAtOnceWithTheLeaderItKnows() throws Exception {
        driver.offer(new RaftMessage.AppendRequest(2, 1, 5, 0, 0, List.of(), 0));
        driver.runOnce(0);
        assertEquals(2, driver.status().leaderId());
        assertEquals(new HardState(5, HardState.NO_VOTE), stateFile.read(), "the new term is durable");
        AppendOutcome outcome = new RaftQuorum(driver, 5000).append(List.of(new MetadataRecord.Topic("x", new UUID(2, 2))));
        assertEquals(AppendOutcome.Status.NOT_LEADER, outcome.status());
        assertTrue(outcome.message().contains("leader is 2"), outcome.message());
    }

    @Test
    void aFollowerAppendsTheLeadersEntriesDurablyBeforeAcknowledging() throws Exception {
        byte[] batch = log.encode(List.of(new MetadataRecord.Topic("t", new UUID(3, 3))));
        driver.offer(new RaftMessage.AppendRequest(2, 1, 4, 0, 0,
            List.of(new RaftEntry(1, 4, new byte[0]), new RaftEntry(2, 4, batch)), 2));
        driver.runOnce(0);
        RaftMessage.AppendResponse ack = (RaftMessage.AppendResponse) sent.get(sent.size() - 1);
        assertTrue(ack.success());
        assertEquals(2, ack.matchIndex());
        assertEquals(2, log.lastIndex());
        assertEquals(2, driver.committedEndOffset(), "the leader's commit index reached the follower: records up to offset 1");
    }

    /** Low-Water Mark: once enough offsets are applied the driver snapshots them and drops the log below. */
    @Test
    void aDriverSnapshotsEveryNRecordsAndItsQuorumReadsFromTheSnapshot() throws Exception {
        driver.close();
        RaftNode node = new RaftNode(new RaftConfig(1, Set.of(1, 2, 3), ELECTION_TIMEOUT_MS, 100, 1 << 20, 4),
            stateFile.read(), log, new Random(7), clock.nanoTime());
        driver = new RaftDriver(node, log, stateFile, this::onSend, clock, 10, "cluster", 5);
        List<RaftEntry> entries = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            entries.add(new RaftEntry(i, 4, log.encode(List.of(new MetadataRecord.Topic("t" + i, new UUID(4, i))))));
        }
        driver.offer(new RaftMessage.AppendRequest(2, 1, 4, 0, 0, entries.subList(0, 4), 4));
        driver.runOnce(0);
        assertEquals(0, driver.snapshotsTaken(), "4 offsets applied: below the interval of 5");
        driver.offer(new RaftMessage.AppendRequest(2, 1, 4, 4, 4, entries.subList(4, 8), 6));
        driver.runOnce(0);
        assertEquals(1, driver.snapshotsTaken());
        assertEquals(new SnapshotMeta(6, 4), log.snapshot(), "at the applied index, not the last appended one");
        assertEquals(7, log.firstIndex());
        assertEquals(6, log.logStartOffset());
        assertTrue(java.nio.file.Files.exists(dir.resolve("00000000000000000006-0000000004.checkpoint")));
        assertEquals(6, log.snapshotImage().topicsByName().size());
        assertEquals("cluster", log.snapshotImage().clusterId());

        driver.offer(new RaftMessage.AppendRequest(2, 1, 4, 8, 4, List.of(), 8));
        driver.runOnce(0);
        MetadataImage image = Controller.replay(new RaftQuorum(driver, 5000), MetadataImage.empty("cluster"));
        assertEquals(8, image.topicsByName().size(), "a reader from offset 0 starts from the snapshot, then reads the log");
        assertEquals(7, image.lastAppliedOffset());
    }

    /** Raft §7: a follower behind the leader's log start takes the leader's snapshot in place of its log. */
    @Test
    void aFollowerInstallsTheLeadersSnapshotAndItsControllerCatchesUpFromIt() throws Exception {
        driver.offer(new RaftMessage.AppendRequest(2, 1, 3, 0, 0,
            List.of(new RaftEntry(1, 3, log.encode(List.of(new MetadataRecord.Topic("old", new UUID(9, 9)))))), 0));
        driver.runOnce(0);
        MetadataDelta delta = new MetadataDelta(MetadataImage.empty("cluster"));
        for (int i = 0; i < 40; i++) {
            delta.replay(new MetadataRecord.Topic("s" + i, new UUID(5, i)), i);
        }
        MetadataImage leaderImage = delta.apply();
        byte[] payload = MetadataSnapshotFiles.payload(41, leaderImage);
        driver.offer(new RaftMessage.SnapshotRequest(2, 1, 5, new SnapshotMeta(30, 5), payload));
        driver.runOnce(0);

        assertEquals(new SnapshotMeta(30, 5), log.snapshot());
        assertEquals(30, log.lastIndex());
        assertEquals(41, log.logStartOffset());
        assertEquals(40, driver.committedEndOffset(), "everything in the snapshot is committed");
        assertTrue(sent.stream().anyMatch(m -> m instanceof RaftMessage.SnapshotResponse r && r.lastIndex() == 30), sent.toString());
        assertFalse(driver.isFailed());
        MetadataImage image = Controller.replay(new RaftQuorum(driver, 5000), MetadataImage.empty("cluster"));
        assertEquals(leaderImage.topicsByName().keySet(), image.topicsByName().keySet());

        driver.offer(new RaftMessage.AppendRequest(2, 1, 5, 30, 5,
            List.of(new RaftEntry(31, 5, log.encode(List.of(new MetadataRecord.Topic("next", new UUID(6, 6)))))), 31));
        driver.runOnce(0);
        assertEquals(31, log.lastIndex());
        assertEquals(41, log.endOffsetOf(30));
        assertEquals(42, driver.committedEndOffset());
        assertTrue(Controller.replay(new RaftQuorum(driver, 5000), image).topicsByName().containsKey("next"));
    }
}
