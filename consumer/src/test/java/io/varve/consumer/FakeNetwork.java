package io.varve.consumer;

import io.varve.client.ClientApiVersions;
import io.varve.client.Node;
import io.varve.client.RequestBuilder;
import io.varve.client.metadata.Cluster;
import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.codec.Records;
import io.varve.protocol.generated.ApiMessageType;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.ListOffsetsRequest;
import io.varve.protocol.generated.ListOffsetsResponse;
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
 *
 * <p>Every request and answer goes through the generated codec at the version {@link #versions}
 * gives its API (the client's highest unless a test lowers it), so that a test sees only what that
 * version carries: the fake plays a broker of that version.
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
    /** The version each API is "negotiated" at; absent: the client's highest. */
    final Map<ApiKey, Short> versions = new HashMap<>();
    final List<Runnable> held = new ArrayList<>();
    /** Answers every request other than Fetch and ListOffsets (the group coordinator's); null refuses them. */
    java.util.function.Function<GeneratedMessage, GeneratedMessage> groupHandler;
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

    short version(ApiKey key) {
        return versions.getOrDefault(key, ClientApiVersions.maxVersion(key));
    }

    /** {@code m} as the other side reads it at {@code version}: written and read back. */
    private static GeneratedMessage wire(GeneratedMessage m, short version, boolean request) {
        ProtocolWriter w = new ProtocolWriter();
        m.write(w, version);
        ProtocolReader r = new ProtocolReader(w.toByteBuffer());
        return request ? ApiMessageType.readRequest(m.apiKey(), r, version) : ApiMessageType.readResponse(m.apiKey(), r, version);
    }

    @Override
    public CompletableFuture<GeneratedMessage> send(Node to, ApiKey apiKey, RequestBuilder builder) {
        short version = version(apiKey);
        GeneratedMessage request;
        try {
            request = wire(builder.build(version), version, true);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (request instanceof FetchRequest f) {
            fetches.add(f);
            CompletableFuture<GeneratedMessage> future = new CompletableFuture<>();
            Runnable answer = () -> {
                FetchResponse response = fetch(f, version);
                if (isEmpty(response)) {
                    clock.advanceMs(f.maxWaitMs()); // a broker holds an empty fetch for fetch.max.wait.ms
                }
                future.complete(wire(response, version, false));
            };
            if (holdFetches) {
                held.add(answer);
            } else {
                answer.run();
            }
            return future;
        }
        if (!(request instanceof ListOffsetsRequest) && groupHandler != null) {
            return CompletableFuture.completedFuture(wire(groupHandler.apply(request), version, false));
        }
        return CompletableFuture.completedFuture(wire(listOffsets((ListOffsetsRequest) request, version), version, false));
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

    private FetchResponse fetch(FetchRequest request, short version) {
        List<FetchResponse.FetchableTopicResponse> topics = new ArrayList<>();
        for (FetchRequest.FetchTopic t : request.topics()) {
            List<FetchResponse.PartitionData> out = new ArrayList<>();
            for (FetchRequest.FetchPartition p : t.partitions()) {
                out.add(fetchPartition(p));
            }
            // From v13 a broker answers by topic id, below by name.
            topics.add(answerById && version >= 13 ? new FetchResponse.FetchableTopicResponse("", topicId, out)
                : new FetchResponse.FetchableTopicResponse(TOPIC, new UUID(0L, 0L), out));
        }
        return FetchResponse.builder().responses(topics).build();
    }

    private FetchResponse.PartitionData fetchPartition(FetchRequest.FetchPartition p) {
        Errors injected = fetchErrors.get(p.partition()).poll();
        if (injected != null) {
            return error(p.partition(), injected);
        }
        long[] b = bounds.get(p.partition());
        if (p.fetchOffset() < b[0] || p.fetchOffset() > b[1]) {
            return error(p.partition(), Errors.OFFSET_OUT_OF_RANGE);
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
        return FetchResponse.PartitionData.builder().partitionIndex(p.partition()).highWatermark(b[1]).lastStableOffset(b[1])
            .logStartOffset(b[0]).records(Records.of(out)).build();
    }

    private static FetchResponse.PartitionData error(int partition, Errors error) {
        return FetchResponse.PartitionData.builder().partitionIndex(partition).errorCode(error.code).build();
    }

    private ListOffsetsResponse listOffsets(ListOffsetsRequest request, short version) {
        List<ListOffsetsResponse.ListOffsetsTopicResponse> topics = new ArrayList<>();
        for (ListOffsetsRequest.ListOffsetsTopic t : request.topics()) {
            List<ListOffsetsResponse.ListOffsetsPartitionResponse> out = new ArrayList<>();
            for (ListOffsetsRequest.ListOffsetsPartition p : t.partitions()) {
                long[] b = bounds.get(p.partitionIndex());
                long offset;
                long ts = -1L;
                if (p.timestamp() == OffsetLookup.EARLIEST_TIMESTAMP) {
                    offset = b[0];
                } else if (p.timestamp() == OffsetLookup.LATEST_TIMESTAMP) {
                    offset = b[1];
                } else {
                    long first = Math.max(b[0], (p.timestamp() - BASE_TS + 9) / 10);
                    offset = first < b[1] ? first : -1L;
                    ts = offset < 0 ? -1L : BASE_TS + 10 * offset;
                }
                out.add(new ListOffsetsResponse.ListOffsetsPartitionResponse(p.partitionIndex(), (short) 0, ts, offset,
                    version >= 4 ? 0 : -1));
            }
            topics.add(new ListOffsetsResponse.ListOffsetsTopicResponse(t.name(), out));
        }
        return ListOffsetsResponse.builder().topics(topics).build();
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
