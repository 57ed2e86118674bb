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
