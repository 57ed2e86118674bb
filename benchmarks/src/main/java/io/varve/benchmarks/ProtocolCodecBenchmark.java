package io.varve.benchmarks;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.codec.Records;
import io.varve.protocol.message.FetchRequest;
import io.varve.protocol.message.FetchResponse;
import io.varve.protocol.message.LeaderIdAndEpoch;
import io.varve.protocol.message.ProduceRequest;
import io.varve.protocol.message.ProduceResponse;
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
 * Encode and decode of the four messages of the data path, at the newest version Varve speaks, in
 * the shape of the comparison's load: one topic of {@value #PARTITIONS} partitions, one 16 KiB batch
 * (16 x 1 KiB records) per partition in a Produce request, 64 KiB of batches per partition in a Fetch
 * response. Records are referenced, not copied, on both sides (the codec hands them to the network
 * edge as slices), so these numbers are the codec's own per-message cost: field walking, strings,
 * varints, object allocation. ops/s is messages per second.
 *
 * <p>The {@code generated*} methods run the same messages through the codecs generated from Kafka's
 * definitions ({@code io.varve.protocol.generated}) at the same versions, so one run compares the
 * hand-written and the generated codec side by side.
 */
@State(Scope.Thread)
public class ProtocolCodecBenchmark extends BenchmarkDefaults {

    static final int PARTITIONS = 6;
    private static final String TOPIC = "bench-topic";
    private static final UUID TOPIC_ID = new UUID(0x1234_5678_9abcL, 0x0fed_cba9_8765L);

    private final ProtocolWriter writer = new ProtocolWriter();
    private final short produceVersion = ApiKey.PRODUCE.maxVersion;
    private final short fetchVersion = ApiKey.FETCH.maxVersion;

    private ProduceRequest produceRequest;
    private ProduceResponse produceResponse;
    private FetchRequest fetchRequest;
    private FetchResponse fetchResponse;
    private ByteBuffer produceRequestBytes;
    private ByteBuffer produceResponseBytes;
    private ByteBuffer fetchRequestBytes;
    private ByteBuffer fetchResponseBytes;

    private io.varve.protocol.generated.ProduceRequest generatedProduceRequest;
    private io.varve.protocol.generated.ProduceResponse generatedProduceResponse;
    private io.varve.protocol.generated.FetchRequest generatedFetchRequest;
    private io.varve.protocol.generated.FetchResponse generatedFetchResponse;

    @Setup(Level.Trial)
    public void prepare() {
        BatchRing batches = BatchRing.of(1024, 16, PARTITIONS * 4, 11);
        List<ProduceRequest.PartitionData> produced = new ArrayList<>();
        List<ProduceResponse.PartitionResponse> acked = new ArrayList<>();
        List<FetchRequest.FetchPartition> wanted = new ArrayList<>();
        List<FetchResponse.PartitionData> fetched = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            produced.add(new ProduceRequest.PartitionData(p, Records.of(copy(batches, 1))));
            acked.add(new ProduceResponse.PartitionResponse(p, (short) 0, 1_000_000L * p, -1L, 0L, List.of(), null,
                LeaderIdAndEpoch.UNKNOWN));
            wanted.add(new FetchRequest.FetchPartition(p, 0, 1_000_000L * p, -1, -1L, 1 << 20));
            fetched.add(new FetchResponse.PartitionData(p, (short) 0, 2_000_000L, 2_000_000L, 0L, null, null, null,
                null, -1, Records.of(copy(batches, 4))));
        }
        produceRequest = new ProduceRequest(null, (short) -1, 30_000, List.of(new ProduceRequest.TopicData(TOPIC, produced)));
        produceResponse = new ProduceResponse(List.of(new ProduceResponse.TopicResponse(TOPIC, acked)), 0, List.of());
        fetchRequest = new FetchRequest(null, -1, -1L, 500, 1, 50 << 20, (byte) 0, 0, -1,
            List.of(new FetchRequest.FetchTopic("", TOPIC_ID, wanted)), List.of(), "");
        fetchResponse = new FetchResponse(0, (short) 0, 0,
            List.of(new FetchResponse.FetchableTopicResponse("", TOPIC_ID, fetched)), List.of());
        produceRequestBytes = encode(produceRequest::write, produceVersion);
        produceResponseBytes = encode(produceResponse::write, produceVersion);
        fetchRequestBytes = encode(fetchRequest::write, fetchVersion);
        fetchResponseBytes = encode(fetchResponse::write, fetchVersion);
        // Each decoder must give back what was encoded, or the numbers measure a broken codec.
        requireEqual(produceRequest.topics().get(0).partitions().size(), decodeProduceRequest().topics().get(0).partitions().size());
        requireEqual(produceResponse, decodeProduceResponse());
        requireEqual(fetchRequest, decodeFetchRequest());
        requireEqual(fetchResponse.responses().get(0).partitions().get(5).highWatermark(),
            decodeFetchResponse().responses().get(0).partitions().get(5).highWatermark());
        prepareGenerated(batches);
    }

    /** The same four messages as generated records; their encodings must equal the hand-written ones. */
    private void prepareGenerated(BatchRing batches) {
        var produced = new ArrayList<io.varve.protocol.generated.ProduceRequest.PartitionProduceData>();
        var acked = new ArrayList<io.varve.protocol.generated.ProduceResponse.PartitionProduceResponse>();
        var wanted = new ArrayList<io.varve.protocol.generated.FetchRequest.FetchPartition>();
        var fetched = new ArrayList<io.varve.protocol.generated.FetchResponse.PartitionData>();
        for (int p = 0; p < PARTITIONS; p++) {
            ProduceRequest.PartitionData hand = produceRequest.topics().get(0).partitions().get(p);
            produced.add(io.varve.protocol.generated.ProduceRequest.PartitionProduceData.builder()
                .index(p).records(hand.records()).build());
            acked.add(io.varve.protocol.generated.ProduceResponse.PartitionProduceResponse.builder()
                .index(p).baseOffset(1_000_000L * p).logAppendTimeMs(-1L).logStartOffset(0L).build());
            wanted.add(io.varve.protocol.generated.FetchRequest.FetchPartition.builder()
                .partition(p).currentLeaderEpoch(0).fetchOffset(1_000_000L * p).lastFetchedEpoch(-1)
                .logStartOffset(-1L).partitionMaxBytes(1 << 20).build());
            fetched.add(io.varve.protocol.generated.FetchResponse.PartitionData.builder()
                .partitionIndex(p).highWatermark(2_000_000L).lastStableOffset(2_000_000L).logStartOffset(0L)
                .abortedTransactions(null).preferredReadReplica(-1)
                .records(fetchResponse.responses().get(0).partitions().get(p).records()).build());
        }
        generatedProduceRequest = io.varve.protocol.generated.ProduceRequest.builder().acks((short) -1).timeoutMs(30_000)
            .topicData(List.of(io.varve.protocol.generated.ProduceRequest.TopicProduceData.builder()
                .name(TOPIC).partitionData(produced).build()))
            .build();
        generatedProduceResponse = io.varve.protocol.generated.ProduceResponse.builder()
            .responses(List.of(io.varve.protocol.generated.ProduceResponse.TopicProduceResponse.builder()
                .name(TOPIC).partitionResponses(acked).build()))
            .build();
        generatedFetchRequest = io.varve.protocol.generated.FetchRequest.builder().replicaId(-1).maxWaitMs(500).minBytes(1)
            .maxBytes(50 << 20).sessionId(0).sessionEpoch(-1)
            .topics(List.of(io.varve.protocol.generated.FetchRequest.FetchTopic.builder()
                .topicId(TOPIC_ID).partitions(wanted).build()))
            .build();
        generatedFetchResponse = io.varve.protocol.generated.FetchResponse.builder()
            .responses(List.of(io.varve.protocol.generated.FetchResponse.FetchableTopicResponse.builder()
                .topicId(TOPIC_ID).partitions(fetched).build()))
            .build();
        requireEqual(produceRequestBytes, encode(generatedProduceRequest::write, produceVersion));
        requireEqual(produceResponseBytes, encode(generatedProduceResponse::write, produceVersion));
        requireEqual(fetchRequestBytes, encode(generatedFetchRequest::write, fetchVersion));
        requireEqual(fetchResponseBytes, encode(generatedFetchResponse::write, fetchVersion));
        requireEqual(generatedProduceResponse, generatedDecodeProduceResponse());
        requireEqual(generatedFetchRequest, generatedDecodeFetchRequest());
        requireEqual(generatedFetchResponse, generatedDecodeFetchResponse());
        requireEqual(generatedProduceRequest, generatedDecodeProduceRequest());
    }

    @Benchmark
    public long generatedEncodeProduceRequest() {
        generatedProduceRequest.write(writer.reset(), produceVersion);
        return writer.size();
    }

    @Benchmark
    public io.varve.protocol.generated.ProduceRequest generatedDecodeProduceRequest() {
        return io.varve.protocol.generated.ProduceRequest.read(new ProtocolReader(produceRequestBytes), produceVersion);
    }

    @Benchmark
    public long generatedEncodeProduceResponse() {
        generatedProduceResponse.write(writer.reset(), produceVersion);
        return writer.size();
    }

    @Benchmark
    public io.varve.protocol.generated.ProduceResponse generatedDecodeProduceResponse() {
        return io.varve.protocol.generated.ProduceResponse.read(new ProtocolReader(produceResponseBytes), produceVersion);
    }

    @Benchmark
    public long generatedEncodeFetchRequest() {
        generatedFetchRequest.write(writer.reset(), fetchVersion);
        return writer.size();
    }

    @Benchmark
    public io.varve.protocol.generated.FetchRequest generatedDecodeFetchRequest() {
        return io.varve.protocol.generated.FetchRequest.read(new ProtocolReader(fetchRequestBytes), fetchVersion);
    }

    @Benchmark
    public long generatedEncodeFetchResponse() {
        generatedFetchResponse.write(writer.reset(), fetchVersion);
        return writer.size();
    }

    @Benchmark
    public io.varve.protocol.generated.FetchResponse generatedDecodeFetchResponse() {
        return io.varve.protocol.generated.FetchResponse.read(new ProtocolReader(fetchResponseBytes), fetchVersion);
    }

    @Benchmark
    public long encodeProduceRequest() {
        produceRequest.write(writer.reset(), produceVersion);
        return writer.size();
    }

    @Benchmark
    public ProduceRequest decodeProduceRequest() {
        return ProduceRequest.read(new ProtocolReader(produceRequestBytes), produceVersion);
    }

    @Benchmark
    public long encodeProduceResponse() {
        produceResponse.write(writer.reset(), produceVersion);
        return writer.size();
    }

    @Benchmark
    public ProduceResponse decodeProduceResponse() {
        return ProduceResponse.read(new ProtocolReader(produceResponseBytes), produceVersion);
    }

    @Benchmark
    public long encodeFetchRequest() {
        fetchRequest.write(writer.reset(), fetchVersion);
        return writer.size();
    }

    @Benchmark
    public FetchRequest decodeFetchRequest() {
        return FetchRequest.read(new ProtocolReader(fetchRequestBytes), fetchVersion);
    }

    @Benchmark
    public long encodeFetchResponse() {
        fetchResponse.write(writer.reset(), fetchVersion);
        return writer.size();
    }

    @Benchmark
    public FetchResponse decodeFetchResponse() {
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
