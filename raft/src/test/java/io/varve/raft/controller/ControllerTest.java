package io.varve.raft.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.protocol.Errors;
import io.varve.raft.log.AppendOutcome;
import io.varve.raft.log.MetadataQuorum;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Controller over the real one-voter metadata log: a command's change is in the image it
 * returns, survives a clean restart and a crash (every acknowledged change is in the recovered image),
 * and a command that writes nothing or cannot commit leaves the log and the image as they were.
 */
class ControllerTest {

    private static final ControllerConfig CONFIG = ControllerConfig.from(Map.of(
        ControllerConfig.METADATA_LOG_SEGMENT_BYTES, 2048, ControllerConfig.NUM_PARTITIONS, 2));

    @TempDir
    Path root;

    private final ManualClock clock = new ManualClock();
    private final List<Controller> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(Controller::close);
    }

    private Controller open(Path dir) throws IOException {
        Controller controller = Controller.open(dir, "cluster-1", CONFIG, clock, new Random(7));
        opened.add(controller);
        return controller;
    }

    /** Registers broker {@code id} and heartbeats once, so that it is unfenced. */
    private static void join(Controller controller, int id, String rack) {
        RegisterBrokerResult registered = controller.registerBroker(id, "host-" + id, 9092, rack, 0).response();
        assertEquals(Errors.NONE, registered.error());
        assertEquals(controller.image().lastAppliedOffset(), registered.brokerEpoch(), "the epoch is the record's offset");
        assertEquals(Errors.NONE, controller.brokerHeartbeat(id, registered.brokerEpoch(), 0, false).response().error());
    }

    /** Registers brokers and runs a mix of commands; returns the image after the last acknowledgement. */
    private static MetadataImage workload(Controller controller) {
        for (int id = 1; id <= 3; id++) {
            join(controller, id, "r" + id);
        }
        for (int i = 0; i < 12; i++) {
            CreateTopicResult created = controller.createTopics(List.of(new NewTopic("topic-" + i, 3, (short) 2,
                Map.of("retention.ms", Integer.toString(1000 * i)))), false).response().get(0);
            assertEquals(Errors.NONE, created.error());
        }
        assertEquals(Errors.NONE, controller.deleteTopics(List.of(TopicRef.byName("topic-3"))).response().get(0).error());
        assertEquals(Errors.NONE, controller.createPartitions(List.of(new NewPartitions("topic-4", 6)), false)
            .response().get(0).error());
        assertEquals(0, controller.allocateProducerIds(1).response().firstProducerId());
        return controller.allocateProducerIds(2).image();
    }

    @Test
    void theReturnedImageHoldsTheChange() throws IOException {
        Controller controller = open(root);
        join(controller, 1, null);
        ControllerReply<List<CreateTopicResult>> reply =
            controller.createTopics(List.of(NewTopic.withDefaults("orders")), false);
        assertEquals(reply.response().get(0).topicId(), reply.image().topic("orders").topicId());
        assertEquals(2, reply.image().topic("orders").partitionCount());
        assertSame(reply.image(), controller.image());
        assertEquals("cluster-1", reply.image().clusterId());
    }

    @Test
    void aCleanRestartRebuildsTheSameImage() throws IOException {
        Controller controller = open(root);
        MetadataImage before = workload(controller);
        assertTrue(Files.list(root.resolve("__cluster_metadata-0")).count() > 3, "the workload rolled segments");
        controller.close();
        MetadataImage after = open(root).image();
        assertEquals(before, after);
        assertEquals(11, after.topicsByName().size());
        assertEquals(6, after.topic("topic-4").partitionCount());
        assertEquals(Map.of("retention.ms", "5000"), after.topic("topic-5").configs());
        assertEquals(2000, after.nextProducerId());
    }

    @Test
    void aCrashCopyHoldsEveryAcknowledgedChange() throws IOException {
        Controller controller = open(root.resolve("live"));
        MetadataImage acknowledged = workload(controller);
        Path copy = crashCopy(root.resolve("live"), root.resolve("crashed"));
        tearTheTail(copy.resolve("__cluster_metadata-0"));
        assertEquals(acknowledged, open(copy).image());
    }

    @Test
    void validateOnlyAndRefusedCommandsWriteNothing() throws IOException {
        Controller controller = open(root);
        join(controller, 1, null);
        long end = controller.image().lastAppliedOffset();
        MetadataImage image = controller.image();
        ControllerReply<List<CreateTopicResult>> reply = controller.createTopics(List.of(NewTopic.withDefaults("t")), true);
        assertEquals(Errors.NONE, reply.response().get(0).error());
        assertSame(image, reply.image());
        controller.createTopics(List.of(new NewTopic("t", 1, (short) 5, Map.of())), false);
        controller.createPartitions(List.of(new NewPartitions("missing", 2)), false);
        controller.deleteTopics(List.of(TopicRef.byName("missing")));
        assertSame(image, controller.image());
        controller.close();
        assertEquals(end, open(root).image().lastAppliedOffset());
    }

    @Test
    void whenTheQuorumCannotCommitSuccessesBecomeNotControllerAndTheImageStays() {
        FailingQuorum quorum = new FailingQuorum();
        Controller controller = new Controller(quorum, "c", CONFIG, new Random(1));
        ControllerReply<RegisterBrokerResult> reply = controller.registerBroker(1, "h", 9092, null, 0);
        assertEquals(-1, reply.response().brokerEpoch());
        assertEquals(Errors.NOT_CONTROLLER, reply.response().error());
        assertEquals(0, controller.image().brokers().size());
        List<DeleteTopicResult> deleted = controller.deleteTopics(List.of(TopicRef.byName("x"))).response();
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, deleted.get(0).error(), "refusals keep their own error");
        quorum.status = AppendOutcome.Status.TOO_LARGE;
        assertEquals(Errors.POLICY_VIOLATION, controller.registerBroker(1, "h", 9092, null, 0).response().error());
    }

    @Test
    void aLogThatDoesNotApplyStopsTheNodeFromStarting() {
        FailingQuorum quorum = new FailingQuorum();
        quorum.committed.add(new MetadataRecord.Partition(new java.util.UUID(1, 1), 0, new int[] {1}, new int[] {1}, 1, 0, 0));
        assertThrows(IllegalStateException.class, () -> new Controller(quorum, "c", CONFIG, new Random(1)));
    }

    /** A quorum that holds a fixed committed log and refuses every append. */
    private static final class FailingQuorum implements MetadataQuorum {
        final List<MetadataRecord> committed = new ArrayList<>();
        AppendOutcome.Status status = AppendOutcome.Status.FAILED;

        @Override
        public AppendOutcome append(List<MetadataRecord> records) {
            return AppendOutcome.notCommitted(status, "refused");
        }

        @Override
        public long read(long fromOffset, RecordVisitor visitor) {
            for (int i = (int) fromOffset; i < committed.size(); i++) {
                visitor.onRecord(committed.get(i), i);
            }
            return committed.size();
        }

        @Override
        public long endOffset() {
            return committed.size();
        }

        @Override
        public boolean isFailed() {
            return status == AppendOutcome.Status.FAILED;
        }

        @Override
        public void close() {
        }
    }

    /** Copies a directory tree as the disk holds it now, without closing anything: a crash. */
    private static Path crashCopy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.write(target, Files.readAllBytes(path));
                }
            }
        }
        return to;
    }

    /** Appends half a batch's worth of garbage after the last segment's data: a write torn by the crash. */
    private static void tearTheTail(Path partitionDir) throws IOException {
        Path last;
        try (Stream<Path> files = Files.list(partitionDir)) {
            last = files.filter(p -> p.toString().endsWith(".log")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(last);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw")) {
            file.seek(end);
            file.write(new byte[] {0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 1, 0, 0, 0, 0, 0, 2, 7, 7, 7, 7});
        }
    }
}
