package io.varve.consumer;

import io.varve.client.Node;
import io.varve.client.metadata.Cluster;
import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.Records;
import io.varve.protocol.message.ApiRequest;
import io.varve.protocol.message.ApiResponse;
import io.varve.protocol.message.FetchRequest;
import io.varve.protocol.message.FetchResponse;
import io.varve.protocol.message.ListOffsetsRequest;
import io.varve.protocol.message.ListOffsetsResponse;
import io.varve.protocol.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A one-broker cluster in memory for the consumer's unit tests: one topic whose partitions hold
 * record batches built with {@link RecordBatchBuilder}, answering Fetch and ListOffsets as a broker
 * would (a fetch returns whole batches from the one holding the fetch offset, up to the partition's
 * byte limit), with errors injected per partition. Time passes only in {@link #await}, which moves the
 * manual clock. Responses are answered at once, or held until {@link #releaseHeld()} when
 * {@link #holdFetches} is set. Record {@code i} of a partition has key {@code k<i>}, value
 * {@code v<i>}, header {@code h=<i>} and timestamp {@code 1000 + 10 × i}.
 */
final class FakeNetwork implements ConsumerNetwork {

    static final String TOPIC = "t";
    static final long BASE_TS = 1_000L;

    final ManualClock clock = new ManualClock(1_000_000L);
    final Node node = new Node(1, "127.0.0.1", 9092);
    final UUID topicId = UUID.randomUUID();
    final Map<Integer, List<ByteBuffer>> batches = new HashMap<>();
    final Map<Integer, long[]> bounds = new HashMap<>(); // [logStart, logEnd]
    final Map<Integer, ArrayDeque<Errors>> fetchErrors = new HashMap<>();
    final List<FetchRequest> fetches = new ArrayList<>();
    final List<Runnable> held = new ArrayList<>();
    /** Answers every request other than Fetch and ListOffsets (the group coordinator's); null refuses them. */
    java.util.function.Function<ApiRequest, ApiResponse> groupHandler;
    boolean answerById = true;
    boolean holdFetches;
    int invalidations;
    private final int partitions;

    FakeNetwork(int partitions) {
        this.partitions = partitions;
        for (int p = 0; p < partitions; p++) {
            batches.put(p, new ArrayList<>());
            bounds.put(p, new long[] {0L, 0L});
            fetchErrors.put(p, new ArrayDeque<>());
        }
    }

    /** Appends a batch of {@code count} records to {@code partition}. */
    FakeNetwork append(int partition, int count) {
        long base = bounds.get(partition)[1];
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);
        RecordBatchBuilder b = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity()).baseOffset(base);
        for (long o = base; o < base + count; o++) {
            b.header("h".getBytes(StandardCharsets.UTF_8), Long.toString(o).getBytes(StandardCharsets.UTF_8));
            b.append(BASE_TS + 10 * o, ("k" + o).getBytes(StandardCharsets.UTF_8), ("v" + o).getBytes(StandardCharsets.UTF_8));
        }
        int size = b.build();
        batches.get(partition).add(ByteBuffer.wrap(buffer.byteArray(), 0, size).slice());
        bounds.get(partition)[1] = base + count;
        return this;
    }

    static TopicPartition tp(int partition) {
        return new TopicPartition(TOPIC, partition);
    }

    @Override
    public CompletableFuture<ApiResponse> send(Node to, ApiRequest request) {
        if (request instanceof FetchRequest f) {
            fetches.add(f);
            CompletableFuture<ApiResponse> future = new CompletableFuture<>();
            Runnable answer = () -> {
                FetchResponse response = fetch(f);
                if (isEmpty(response)) {
                    clock.advanceMs(f.maxWaitMs()); // a broker holds an empty fetch for fetch.max.wait.ms
                }
                future.complete(response);
            };
            if (holdFetches) {
                held.add(answer);
            } else {
                answer.run();
            }
            return future;
        }
        if (!(request instanceof ListOffsetsRequest) && groupHandler != null) {
            return CompletableFuture.completedFuture(groupHandler.apply(request));
        }
        return CompletableFuture.completedFuture(listOffsets((ListOffsetsRequest) request));
    }

    private static boolean isEmpty(FetchResponse response) {
        return response.responses().stream().flatMap(t -> t.partitions().stream())
            .allMatch(p -> p.errorCode() == 0 && (p.records() == null || p.records().sizeInBytes() == 0));
    }

    void releaseHeld() {
        List<Runnable> now = new ArrayList<>(held);
        held.clear();
        now.forEach(Runnable::run);
    }

    private FetchResponse fetch(FetchRequest request) {
        List<FetchResponse.FetchableTopicResponse> topics = new ArrayList<>();
        for (FetchRequest.FetchTopic t : request.topics()) {
            List<FetchResponse.PartitionData> out = new ArrayList<>();
            for (FetchRequest.FetchPartition p : t.partitions()) {
                out.add(fetchPartition(p));
            }
            topics.add(answerById ? new FetchResponse.FetchableTopicResponse("", topicId, out)
                : new FetchResponse.FetchableTopicResponse(TOPIC, FetchRequest.NO_TOPIC_ID, out));
        }
        return new FetchResponse(0, (short) 0, 0, topics, List.of());
    }

    private FetchResponse.PartitionData fetchPartition(FetchRequest.FetchPartition p) {
        Errors injected = fetchErrors.get(p.partition()).poll();
        if (injected != null) {
            return FetchResponse.PartitionData.error(p.partition(), injected);
        }
        long[] b = bounds.get(p.partition());
        if (p.fetchOffset() < b[0] || p.fetchOffset() > b[1]) {
            return FetchResponse.PartitionData.error(p.partition(), Errors.OFFSET_OUT_OF_RANGE);
        }
        ByteBuffer out = ByteBuffer.allocate(1 << 20);
        for (ByteBuffer batch : batches.get(p.partition())) {
            long next = batch.getLong(0) + batch.getInt(23) + 1;
            if (next <= p.fetchOffset() || next <= b[0]) {
                continue;
            }
            if (out.position() > 0 && out.position() + batch.remaining() > p.partitionMaxBytes()) {
                break;
            }
            out.put(batch.duplicate());
        }
        out.flip();
        return new FetchResponse.PartitionData(p.partition(), (short) 0, b[1], b[1], b[0], null, null, null, null, -1,
            Records.of(out));
    }

    private ListOffsetsResponse listOffsets(ListOffsetsRequest request) {
        List<ListOffsetsResponse.ListOffsetsTopicResponse> topics = new ArrayList<>();
        for (ListOffsetsRequest.ListOffsetsTopic t : request.topics()) {
            List<ListOffsetsResponse.ListOffsetsPartitionResponse> out = new ArrayList<>();
            for (ListOffsetsRequest.ListOffsetsPartition p : t.partitions()) {
                long[] b = bounds.get(p.partitionIndex());
                long offset;
                long ts = -1L;
                if (p.timestamp() == ListOffsetsRequest.EARLIEST_TIMESTAMP) {
                    offset = b[0];
                } else if (p.timestamp() == ListOffsetsRequest.LATEST_TIMESTAMP) {
                    offset = b[1];
                } else {
                    long first = Math.max(b[0], (p.timestamp() - BASE_TS + 9) / 10);
                    offset = first < b[1] ? first : -1L;
                    ts = offset < 0 ? -1L : BASE_TS + 10 * offset;
                }
                out.add(new ListOffsetsResponse.ListOffsetsPartitionResponse(p.partitionIndex(), (short) 0, ts, offset, 0));
            }
            topics.add(new ListOffsetsResponse.ListOffsetsTopicResponse(t.name(), out));
        }
        return new ListOffsetsResponse(0, topics);
    }

    @Override
    public CompletableFuture<Cluster> describeAll() {
        return CompletableFuture.completedFuture(cluster());
    }

    @Override
    public Cluster cluster() {
        List<Cluster.PartitionInfo> infos = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            infos.add(new Cluster.PartitionInfo(p, node.id(), 0, Errors.NONE));
        }
        return new Cluster("fake", Map.of(node.id(), node),
            Map.of(TOPIC, new Cluster.TopicMetadata(TOPIC, topicId, Errors.NONE, infos)), clock.wallClockMs());
    }

    @Override
    public void track(Collection<String> topics) {
    }

    @Override
    public void invalidateMetadata() {
        invalidations++;
    }

    @Override
    public CompletableFuture<Cluster> refreshIfStale() {
        return CompletableFuture.completedFuture(cluster());
    }

    @Override
    public void await(long timeoutMs) {
        clock.advanceMs(timeoutMs);
    }

    @Override
    public void wakeup() {
    }

    @Override
    public void close() {
    }
}
