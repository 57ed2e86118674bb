package io.varve.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.storage.AppendResult.AppendError;
import io.varve.storage.index.LogFileNames;
import io.varve.storage.producer.BatchMetadata;
import io.varve.storage.producer.ProducerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Idempotent producers against the simplest model: the log is a list of producer batches, and a
 * producer's expected state is a fold over the batches still in it (a new epoch starts over; the
 * last five batches are kept). Three clients send new batches, retry old ones, skip sequences, bump
 * their epoch, or send as a fenced zombie; the log rolls, truncates, and reopens cleanly or after a
 * crash with its snapshots intact, deleted or corrupt.
 *
 * <p>Invariants, after every command: each append's outcome (accepted at the log end, duplicate with
 * the original offsets, out of order, fenced) is the one the model predicts from its fold; the log
 * end is the model's; and the log's producer state equals the fold — so no state ever names an
 * offset that is gone, and a restart rebuilds exactly what was there. A failing case prints its seed;
 * {@code @Property(seed = "...")} replays it.
 */
class ProducerStatePropertyTest {

    private static final TopicPartition TP = new TopicPartition("idempotent", 0);
    private static final int CLIENTS = 3;

    sealed interface Op {
    }

    /** A client's next batch; {@code twoBatches} sends it with the one after it in one append. */
    record Send(int client, int records, boolean twoBatches) implements Op {
    }

    /** A client resends one of its earlier batches, {@code back} batches before its latest. */
    record Retry(int client, int back) implements Op {
    }

    /** A client sends a batch that skips {@code gap} sequence numbers. */
    record Skip(int client, int gap) implements Op {
    }

    /** A client gets a new epoch: its next batch starts at sequence 0. */
    record BumpEpoch(int client) implements Op {
    }

    /** A client sends a batch with an epoch older than its current one. */
    record Zombie(int client) implements Op {
    }

    record Roll() implements Op {
    }

    record TruncateTo(int percent) implements Op {
    }

    record ReopenClean() implements Op {
    }

    /** What a crash did to the snapshot files before the unclean open. */
    enum SnapshotDamage { NONE, DELETE_ALL, CORRUPT_NEWEST, CORRUPT_ALL }

    record ReopenAfterCrash(SnapshotDamage damage) implements Op {
    }

    /** One batch as the model keeps it. */
    record ModelBatch(long producerId, short epoch, int firstSequence, int records, long firstOffset, long timestamp) {
        BatchMetadata metadata() {
            return new BatchMetadata(firstSequence, BatchMetadata.addSequence(firstSequence, records - 1), firstOffset,
                firstOffset + records - 1, timestamp);
        }
    }

    /** A batch a client sent: enough to send it again, byte for byte. */
    record Sent(short epoch, int firstSequence, int records) {
    }

    /** A client's own view: its epoch, next sequence and every batch it sent. */
    static final class Client {
        final long producerId;
        short epoch = 1; // so that a zombie's older epoch is still a valid one

        int nextSequence;
        final List<Sent> sent = new ArrayList<>();

        Client(long producerId) {
            this.producerId = producerId;
        }
    }

    /** The model: the log's producer batches and its end. */
    static final class Model {
        final List<ModelBatch> batches = new ArrayList<>();
        long logEnd;

        Map<Long, ProducerState> fold() {
            Map<Long, ProducerState> states = new TreeMap<>();
            for (ModelBatch batch : batches) {
                ProducerState state = states.get(batch.producerId());
                List<BatchMetadata> kept = new ArrayList<>();
                if (state != null && state.epoch() == batch.epoch()) {
                    kept.addAll(state.batches());
                }
                kept.add(batch.metadata());
                while (kept.size() > ProducerState.MAX_BATCHES) {
                    kept.remove(0);
                }
                states.put(batch.producerId(), new ProducerState(batch.producerId(), batch.epoch(), kept));
            }
            return states;
        }

        /** The outcome the rules predict for {@code sent} by {@code producerId}, alone in an append. */
        AppendError predict(long producerId, Sent sent, long[] duplicateOffsets) {
            ProducerState state = fold().get(producerId);
            int last = BatchMetadata.addSequence(sent.firstSequence(), sent.records() - 1);
            if (state != null && state.epoch() == sent.epoch()) {
                for (BatchMetadata batch : state.batches()) {
                    if (batch.firstSequence() == sent.firstSequence() && batch.lastSequence() == last) {
                        duplicateOffsets[0] = batch.firstOffset();
                        duplicateOffsets[1] = batch.lastOffset();
                        return AppendError.NONE;
                    }
                }
            }
            if (state != null && sent.epoch() < state.epoch()) {
                return AppendError.INVALID_PRODUCER_EPOCH;
            }
            boolean restart = state == null || sent.epoch() > state.epoch();
            int expected = restart ? 0 : BatchMetadata.addSequence(state.lastSequence(), 1);
            return sent.firstSequence() == expected ? AppendError.NONE : AppendError.OUT_OF_ORDER_SEQUENCE;
        }
    }

    /** The log under test and where its files live. */
    static final class Subject implements AutoCloseable {
        final Path root;
        final LogConfig config;
        final ManualClock clock = new ManualClock();
        PartitionLog log;
        int generation;

        Subject(Path root, LogConfig config) throws IOException {
            this.root = root;
            this.config = config;
            this.log = PartitionLog.open(root.resolve("gen-0"), TP, config, clock, 0, 0, true);
        }

        @Override
        public void close() {
            log.close();
        }
    }

    @Property(tries = 120)
    void producerStateAgreesWithTheFoldOfTheLogAfterEveryCommand(
        @ForAll @IntRange(min = LogConfig.MIN_SEGMENT_BYTES, max = 2048) int segmentBytes,
        @ForAll("ops") @Size(max = 40) List<Op> ops) throws IOException {
        Path root = Files.createTempDirectory("producer-state-property");
        LogConfig config = LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, segmentBytes, LogConfig.RETENTION_MS, -1L));
        try (Subject subject = new Subject(root, config)) {
            Model model = new Model();
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new Client(100 + i));
            }
            for (Op op : ops) {
                apply(op, subject, model, clients);
                assertEquals(model.logEnd, subject.log.logEndOffset(), "log end after " + op);
                assertEquals(model.fold(), subject.log.producerStates(), "producer state after " + op);
            }
        } finally {
            deleteRecursively(root);
        }
    }

    private static void apply(Op op, Subject subject, Model model, List<Client> clients) throws IOException {
        if (op instanceof Send s) {
            Client client = clients.get(s.client());
            Sent first = new Sent(client.epoch, client.nextSequence, s.records());
            List<Sent> request = s.twoBatches()
                ? List.of(first, new Sent(client.epoch, client.nextSequence + s.records(), 1)) : List.of(first);
            client.nextSequence += request.stream().mapToInt(Sent::records).sum();
            client.sent.addAll(request);
            send(client.producerId, request, subject, model);
        } else if (op instanceof Retry r) {
            Client client = clients.get(r.client());
            if (!client.sent.isEmpty()) {
                Sent old = client.sent.get(Math.max(0, client.sent.size() - 1 - r.back()));
                send(client.producerId, List.of(old), subject, model);
            }
        } else if (op instanceof Skip k) {
            Client client = clients.get(k.client());
            send(client.producerId, List.of(new Sent(client.epoch, client.nextSequence + k.gap(), 1)), subject, model);
        } else if (op instanceof BumpEpoch b) {
            Client client = clients.get(b.client());
            client.epoch++;
            client.nextSequence = 0;
        } else if (op instanceof Zombie z) {
            Client client = clients.get(z.client());
            send(client.producerId, List.of(new Sent((short) (client.epoch - 1), client.nextSequence, 1)), subject, model);
        } else if (op instanceof Roll) {
            subject.log.roll();
        } else if (op instanceof TruncateTo t) {
            truncate(model.logEnd * t.percent() / 100, subject.log, model);
        } else if (op instanceof ReopenClean) {
            PartitionLog log = subject.log;
            log.flush();
            log.close();
            subject.log = PartitionLog.open(log.dir(), TP, subject.config, subject.clock, log.recoveryPoint(),
                log.logStartOffset(), true);
        } else if (op instanceof ReopenAfterCrash c) {
            reopenAfterCrash(c.damage(), subject);
        }
    }

    /** One append of {@code request}; checks the outcome the model predicts and updates the model. */
    private static void send(long producerId, List<Sent> request, Subject subject, Model model) {
        long[] duplicate = {-1, -1};
        AppendError predicted = model.predict(producerId, request.get(0), duplicate);
        long timestamp = subject.clock.wallClockMs();
        List<UnsafeBuffer> batches = new ArrayList<>();
        for (Sent sent : request) {
            batches.add(TestBatches.idempotent(producerId, sent.epoch(), sent.firstSequence(), timestamp, sent.records()));
        }
        UnsafeBuffer bytes = TestBatches.concat(batches.toArray(UnsafeBuffer[]::new));
        AppendResult result = subject.log.append(bytes, 0, bytes.capacity(), 0);
        String context = "producer " + producerId + " sending " + request;
        boolean predictedDuplicate = duplicate[0] >= 0;
        if (predictedDuplicate && request.size() > 1) {
            predicted = AppendError.OUT_OF_ORDER_SEQUENCE; // a retry mixed with a new batch
        }
        assertEquals(predicted, result.error(), context);
        if (predicted != AppendError.NONE) {
            return;
        }
        assertEquals(predictedDuplicate, result.duplicate(), context);
        if (predictedDuplicate) {
            assertEquals(List.of(duplicate[0], duplicate[1]), List.of(result.firstOffset(), result.lastOffset()), context);
            return;
        }
        assertEquals(model.logEnd, result.firstOffset(), context);
        for (Sent sent : request) {
            model.batches.add(new ModelBatch(producerId, sent.epoch(), sent.firstSequence(), sent.records(), model.logEnd,
                timestamp));
            model.logEnd += sent.records();
        }
    }

    /** Removes the batch containing {@code offset} and every later one. */
    private static void truncate(long offset, PartitionLog log, Model model) {
        log.truncateTo(offset);
        for (int i = 0; i < model.batches.size(); i++) {
            ModelBatch batch = model.batches.get(i);
            if (batch.firstOffset() + batch.records() > offset) {
                model.logEnd = batch.firstOffset();
                model.batches.subList(i, model.batches.size()).clear();
                return;
            }
        }
    }

    private static void reopenAfterCrash(SnapshotDamage damage, Subject subject) throws IOException {
        PartitionLog log = subject.log;
        Path copy = CrashFiles.crashCopy(log.dir(), subject.root.resolve("gen-" + (++subject.generation)));
        log.close();
        List<Path> snapshots;
        try (Stream<Path> files = Files.list(copy)) {
            snapshots = files.filter(f -> f.getFileName().toString().endsWith(".snapshot"))
                .sorted(Comparator.comparingLong(LogFileNames::parseBaseOffset)).toList();
        }
        for (int i = 0; i < snapshots.size(); i++) {
            Path snapshot = snapshots.get(i);
            boolean newest = i == snapshots.size() - 1;
            if (damage == SnapshotDamage.DELETE_ALL) {
                Files.delete(snapshot);
            } else if (damage == SnapshotDamage.CORRUPT_ALL || damage == SnapshotDamage.CORRUPT_NEWEST && newest) {
                CrashFiles.flipBit(snapshot, Files.size(snapshot) / 2);
            }
        }
        subject.log = PartitionLog.open(copy, TP, subject.config, subject.clock, log.recoveryPoint(),
            log.logStartOffset(), false);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> client = Arbitraries.integers().between(0, CLIENTS - 1);
        Arbitrary<Op> send = Combinators.combine(client, Arbitraries.integers().between(1, 4),
            Arbitraries.of(false, false, false, true)).as(Send::new);
        Arbitrary<Op> retry = Combinators.combine(client, Arbitraries.integers().between(0, 7)).as(Retry::new);
        Arbitrary<Op> skip = Combinators.combine(client, Arbitraries.integers().between(1, 3)).as(Skip::new);
        return Arbitraries.frequencyOf(
            Tuple.of(14, send),
            Tuple.of(6, retry),
            Tuple.of(1, skip),
            Tuple.of(1, client.map(BumpEpoch::new)),
            Tuple.of(1, client.map(Zombie::new)),
            Tuple.of(2, Arbitraries.just(new Roll())),
            Tuple.of(2, Arbitraries.integers().between(0, 100).map(TruncateTo::new)),
            Tuple.of(1, Arbitraries.just(new ReopenClean())),
            Tuple.of(2, Arbitraries.of(SnapshotDamage.class).map(ReopenAfterCrash::new))
        ).list();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
