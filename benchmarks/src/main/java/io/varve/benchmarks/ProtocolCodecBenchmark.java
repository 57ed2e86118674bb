package io.varve.benchmarks;

import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.codec.Records;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;
import io.varve.protocol.generated.ProduceRequest;
import io.varve.protocol.generated.ProduceResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encode and decode of the four messages of the data path with the codecs generated from Kafka's
 * definitions ({@code io.varve.protocol.generated}), in the shape of the comparison's load: one topic
 * of {@value #PARTITIONS} partitions, one 16 KiB batch (16 x 1 KiB records) per partition in a Produce
 * request, 64 KiB of batches per partition in a Fetch response. Records are referenced, not copied, on
 * both sides (the codec hands them to the network edge as slices), so these numbers are the codec's own
 * per-message cost: field walking, strings, varints, object allocation. ops/s is messages per second.
 *
 * <p>The versions are Produce v{@value #PRODUCE_VERSION} and Fetch v{@value #FETCH_VERSION}, those of
 * the figures recorded in {@code docs/benchmarks.md}; the methods keep their {@code generated} prefix
 * so that those figures stay comparable with new runs.
 */
@State(Scope.Thread)
public class ProtocolCodecBenchmark extends BenchmarkDefaults {

    static final int PARTITIONS = 6;
    static final short PRODUCE_VERSION = 12;
    static final short FETCH_VERSION = 16;
    private static final String TOPIC = "bench-topic";
    private static final UUID TOPIC_ID = new UUID(0x1234_5678_9abcL, 0x0fed_cba9_8765L);

    private final ProtocolWriter writer = new ProtocolWriter();
    private final short produceVersion = PRODUCE_VERSION;
    private final short fetchVersion = FETCH_VERSION;

    private ByteBuffer produceRequestBytes;
    private ByteBuffer produceResponseBytes;
    private ByteBuffer fetchRequestBytes;
    private ByteBuffer fetchResponseBytes;

    private ProduceRequest generatedProduceRequest;
    private ProduceResponse generatedProduceResponse;
    private FetchRequest generatedFetchRequest;
    private FetchResponse generatedFetchResponse;

    @Setup(Level.Trial)
    public void prepare() {
        BatchRing batches = BatchRing.of(1024, 16, PARTITIONS * 4, 11);
        var produced = new ArrayList<ProduceRequest.PartitionProduceData>();
        var acked = new ArrayList<ProduceResponse.PartitionProduceResponse>();
        var wanted = new ArrayList<FetchRequest.FetchPartition>();
        var fetched = new ArrayList<FetchResponse.PartitionData>();
        for (int p = 0; p < PARTITIONS; p++) {
            produced.add(ProduceRequest.PartitionProduceData.builder()
                .index(p).records(Records.of(copy(batches, 1))).build());
            acked.add(ProduceResponse.PartitionProduceResponse.builder()
                .index(p).baseOffset(1_000_000L * p).logAppendTimeMs(-1L).logStartOffset(0L).build());
            wanted.add(FetchRequest.FetchPartition.builder()
                .partition(p).currentLeaderEpoch(0).fetchOffset(1_000_000L * p).lastFetchedEpoch(-1)
                .logStartOffset(-1L).partitionMaxBytes(1 << 20).build());
            fetched.add(FetchResponse.PartitionData.builder()
                .partitionIndex(p).highWatermark(2_000_000L).lastStableOffset(2_000_000L).logStartOffset(0L)
                .abortedTransactions(null).preferredReadReplica(-1)
                .records(Records.of(copy(batches, 4))).build());
        }
        generatedProduceRequest = ProduceRequest.builder().acks((short) -1).timeoutMs(30_000)
            .topicData(List.of(ProduceRequest.TopicProduceData.builder()
                .name(TOPIC).partitionData(produced).build()))
            .build();
        generatedProduceResponse = ProduceResponse.builder()
            .responses(List.of(ProduceResponse.TopicProduceResponse.builder()
                .name(TOPIC).partitionResponses(acked).build()))
            .build();
        generatedFetchRequest = FetchRequest.builder().replicaId(-1).maxWaitMs(500).minBytes(1)
            .maxBytes(50 << 20).sessionId(0).sessionEpoch(-1)
            .topics(List.of(FetchRequest.FetchTopic.builder()
                .topicId(TOPIC_ID).partitions(wanted).build()))
            .build();
        generatedFetchResponse = FetchResponse.builder()
            .responses(List.of(FetchResponse.FetchableTopicResponse.builder()
                .topicId(TOPIC_ID).partitions(fetched).build()))
            .build();
        produceRequestBytes = encode(generatedProduceRequest::write, produceVersion);
        produceResponseBytes = encode(generatedProduceResponse::write, produceVersion);
        fetchRequestBytes = encode(generatedFetchRequest::write, fetchVersion);
        fetchResponseBytes = encode(generatedFetchResponse::write, fetchVersion);
        // Each decoder must give back what was encoded, or the numbers measure a broken codec.
        requireEqual(generatedProduceRequest, generatedDecodeProduceRequest());
        requireEqual(generatedProduceResponse, generatedDecodeProduceResponse());
        requireEqual(generatedFetchRequest, generatedDecodeFetchRequest());
        requireEqual(generatedFetchResponse, generatedDecodeFetchResponse());
    }

    @Benchmark
    public long generatedEncodeProduceRequest() {
        generatedProduceRequest.write(writer.reset(), produceVersion);
        return writer.size();
    }

    @Benchmark
    public ProduceRequest generatedDecodeProduceRequest() {
        return ProduceRequest.read(new ProtocolReader(produceRequestBytes), produceVersion);
    }

    @Benchmark
    public long generatedEncodeProduceResponse() {
        generatedProduceResponse.write(writer.reset(), produceVersion);
        return writer.size();
    }

    @Benchmark
    public ProduceResponse generatedDecodeProduceResponse() {
        return ProduceResponse.read(new ProtocolReader(produceResponseBytes), produceVersion);
    }

    @Benchmark
    public long generatedEncodeFetchRequest() {
        generatedFetchRequest.write(writer.reset(), fetchVersion);
        return writer.size();
    }

    @Benchmark
    public FetchRequest generatedDecodeFetchRequest() {
        return FetchRequest.read(new ProtocolReader(fetchRequestBytes), fetchVersion);
    }

    @Benchmark
    public long generatedEncodeFetchResponse() {
        generatedFetchResponse.write(writer.reset(), fetchVersion);
        return writer.size();
    }

    @Benchmark
    public FetchResponse generatedDecodeFetchResponse() {
        return FetchResponse.read(new ProtocolReader(fetchResponseBytes), fetchVersion);
    }

    private interface Encoder {
        void write(ProtocolWriter w, short version);
    }

    private static ByteBuffer encode(Encoder encoder, short version) {
        ProtocolWriter w = new ProtocolWriter();
        encoder.write(w, version);
        return w.toByteBuffer();
    }

    /** {@code batches} consecutive batches of the ring in one buffer, as a partition's records. */
    private static ByteBuffer copy(BatchRing ring, int batches) {
        List<byte[]> parts = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < batches; i++) {
            var b = ring.next();
            byte[] bytes = new byte[b.capacity()];
            b.getBytes(0, bytes);
            parts.add(bytes);
            total += bytes.length;
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        parts.forEach(out::put);
        return out.flip();
    }

    private static void requireEqual(Object expected, Object actual) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException("codec round trip differs: " + expected + " vs " + actual);
        }
    }
}
