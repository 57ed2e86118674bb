package io.varve.broker.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.loop.SharedLoopScheduler;
import io.varve.common.ManualClock;
import io.varve.protocol.Errors;
import io.varve.raft.controller.Controller;
import io.varve.raft.controller.ControllerConfig;
import io.varve.raft.controller.CreateTopicResult;
import io.varve.raft.controller.HeartbeatResult;
import io.varve.raft.controller.NewTopic;
import io.varve.raft.controller.RegisterBrokerResult;
import io.varve.raft.log.AppendOutcome;
import io.varve.raft.log.MetadataQuorum;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller proposes and applies on the commit event (DESIGN §5: no loop blocks waiting for
 * another): a command that writes leaves its records with the quorum and the loop goes on; the
 * records join the image, and the caller is answered, only when the quorum hands back their
 * outcome. The quorum here commits only when the test says so, and the loop runs in the test's
 * thread under the shared scheduler: a controller that waited for the round inside the command would
 * never return from {@code runUntil}.
 */
class ControllerServiceProposalTest {

    private static final long MAX_TURNS = 10_000;

    /** A quorum whose appends wait until {@link #commitNext} or {@link #loseNext}. */
    private static final class HeldQuorum implements MetadataQuorum {
        private record Held(List<MetadataRecord> records, Consumer<AppendOutcome> onOutcome) {
        }

        private final List<MetadataRecord> committed = new ArrayList<>();
        private final Deque<Held> held = new ArrayDeque<>();

        @Override
        public AppendOutcome append(List<MetadataRecord> records) {
            throw new AssertionError("the controller loop must not wait for a commit");
        }

        @Override
        public void appendAsync(List<MetadataRecord> records, Consumer<AppendOutcome> onOutcome) {
            held.addLast(new Held(records, onOutcome));
        }

        void commitNext() {
            Held h = held.pollFirst();
            long base = committed.size();
            committed.addAll(h.records());
            h.onOutcome().accept(AppendOutcome.committed(base, committed.size() - 1));
        }

        void loseNext() {
            held.pollFirst().onOutcome().accept(AppendOutcome.notCommitted(AppendOutcome.Status.NOT_LEADER, "deposed"));
        }

        @Override
        public long read(long fromOffset, RecordVisitor visitor) {
            for (int i = (int) Math.max(0, fromOffset); i < committed.size(); i++) {
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
            return false;
        }

        @Override
        public void close() {
        }
    }

    private final SharedLoopScheduler scheduler = new SharedLoopScheduler(11, new ManualClock());
    private final HeldQuorum quorum = new HeldQuorum();
    private final List<MetadataImage> published = new ArrayList<>();
    private MetadataPublisher images;
    private ControllerService service;

    @BeforeEach
    void start() throws Exception {
        Controller controller = new Controller(quorum, "cluster", ControllerConfig.from(Map.of()), new Random(1));
        images = new MetadataPublisher(controller.image());
        service = new ControllerService(controller, () -> 1, images, scheduler.clock(), scheduler.starter());
        images.subscribe(published::add);
        // one live broker, so that topics can be placed: registration and heartbeat each commit once
        CompletableFuture<RegisterBrokerResult> registered =
            service.propose(c -> c.decideRegisterBroker(1, "127.0.0.1", 9092, null, 0));
        run();
        quorum.commitNext();
        run();
        long epoch = registered.get().brokerEpoch();
        CompletableFuture<HeartbeatResult> unfenced = service.propose(c -> c.decideBrokerHeartbeat(1, epoch, 0, false, false));
        run();
        quorum.commitNext();
        run();
        assertFalse(unfenced.get().fenced());
    }

    @Test
    void aCommandIsAnsweredAndItsImagePublishedOnlyOnTheCommitEvent() throws Exception {
        int before = published.size();
        CompletableFuture<List<CreateTopicResult>> created = service.createTopics(List.of(topic("events")), false);
        run();

        assertEquals(1, quorum.held.size(), "the records were proposed");
        assertFalse(created.isDone(), "no answer before the commit");
        assertNull(images.image().topic("events"));
        assertEquals(before, published.size());

        quorum.commitNext();
        run();

        assertEquals(Errors.NONE, created.get().get(0).error());
        assertNotNull(images.image().topic("events"));
        assertEquals(before + 1, published.size());
        assertSame(images.image(), published.get(published.size() - 1));
    }

    @Test
    void commandsThatArriveMeanwhileAreDecidedAfterTheCommitAgainstAnImageThatHoldsIt() throws Exception {
        CompletableFuture<List<CreateTopicResult>> first = service.createTopics(List.of(topic("events")), false);
        run();
        CompletableFuture<List<CreateTopicResult>> second = service.createTopics(List.of(topic("events")), false);
        run();
        assertEquals(1, quorum.held.size(), "the second waits: one proposal in flight");
        assertFalse(second.isDone());

        quorum.commitNext();
        run();

        assertEquals(Errors.NONE, first.get().get(0).error());
        assertEquals(Errors.TOPIC_ALREADY_EXISTS, second.get().get(0).error());
        assertTrue(quorum.held.isEmpty(), "the refused duplicate wrote nothing");
    }

    @Test
    void aLostProposalAnswersNotControllerAndLeavesTheImage() throws Exception {
        MetadataImage before = images.image();
        CompletableFuture<List<CreateTopicResult>> created = service.createTopics(List.of(topic("events")), false);
        run();
        quorum.loseNext();
        run();

        assertEquals(Errors.NOT_CONTROLLER, created.get().get(0).error());
        assertSame(before, images.image());
        // the loop takes the next command at once
        CompletableFuture<List<CreateTopicResult>> again = service.createTopics(List.of(topic("events")), false);
        run();
        quorum.commitNext();
        run();
        assertEquals(Errors.NONE, again.get().get(0).error());
    }

    @Test
    void closingFailsTheProposalInFlightAndTheCommandsHeldBehindIt() {
        CompletableFuture<List<CreateTopicResult>> inFlight = service.createTopics(List.of(topic("a")), false);
        run();
        CompletableFuture<List<CreateTopicResult>> heldBehind = service.createTopics(List.of(topic("b")), false);
        run();
        service.close();

        assertTrue(inFlight.isCompletedExceptionally());
        assertTrue(heldBehind.isCompletedExceptionally());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, heldBehind::get);
        assertTrue(e.getCause() instanceof IllegalStateException);
    }

    private void run() {
        scheduler.runForMs(1, MAX_TURNS);
    }

    private static NewTopic topic(String name) {
        return new NewTopic(name, 1, (short) 1, Map.of());
    }
}
