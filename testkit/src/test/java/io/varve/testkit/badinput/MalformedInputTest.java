package io.varve.testkit.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.network.NetworkMetrics;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.Records;
import io.varve.protocol.generated.ApiVersionsResponse;
import io.varve.protocol.generated.ProduceRequest;
import io.varve.protocol.generated.ProduceResponse;
import io.varve.testkit.WireHeader;
import io.varve.testkit.EmbeddedVarve;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §8 over a real socket against a whole node: a client can never crash or exhaust the broker.
 * Each test sends one kind of bad input and checks the answer the protocol has for it (an error
 * code) or, where it has none, a closed connection and a counted metric. After every test the
 * official producer and consumer still work, and the data stored before is exactly as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedInputTest {

    private static final int MAX_FRAME_BYTES = 1 << 20;
    private static final String HEALTHY = "healthy";
    private static final String VICTIM = "victim";

    @TempDir
    static Path dir;
    private EmbeddedVarve varve;
    private final List<String> healthy = new ArrayList<>();
    private final List<String> victim = List.of("v0", "v1", "v2");
    private int round;

    @BeforeAll
    void start() throws Exception {
        varve = EmbeddedVarve.start(dir, Map.of("socket.request.max.bytes", Integer.toString(MAX_FRAME_BYTES),
            "auto.create.topics.enable", "false"));
        OfficialClients.createTopics(varve.bootstrapServers(), HEALTHY, VICTIM);
        OfficialClients.produce(varve.bootstrapServers(), VICTIM, victim);
        healthy.addAll(List.of("h0", "h1"));
        OfficialClients.produce(varve.bootstrapServers(), HEALTHY, healthy);
    }

    @AfterAll
    void stop() {
        if (varve != null) {
            varve.close();
        }
    }

    /** Other clients are served, and what was stored is untouched. */
    @AfterEach
    void othersAreUnharmed() throws Exception {
        String next = "after-" + round++;
        OfficialClients.produce(varve.bootstrapServers(), HEALTHY, List.of(next));
        healthy.add(next);
        assertEquals(healthy, OfficialClients.consumeAll(varve.bootstrapServers(), HEALTHY));
        assertEquals(victim, OfficialClients.consumeAll(varve.bootstrapServers(), VICTIM));
    }

    private RawClient connect() throws IOException {
        return new RawClient(Integer.parseInt(varve.bootstrapServers().split(":")[1]));
    }

    private NetworkMetrics metrics() {
        return varve.broker().networkMetrics();
    }

    /** Runs {@code action} and waits for {@code counter} to move by one. */
    private void assertCounted(ToLongFunction<NetworkMetrics> counter, String name, IoAction action) throws IOException {
        long before = counter.applyAsLong(metrics());
        action.run();
        Await.until(() -> counter.applyAsLong(metrics()) == before + 1,
            () -> name + " stayed at " + counter.applyAsLong(metrics()) + ", expected " + (before + 1));
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private static byte[] sizeOnly(int size) {
        return ByteBuffer.allocate(4).putInt(size).array();
    }

    // ---------------------------------------------------------------------------------------------
    // Framing
    // ---------------------------------------------------------------------------------------------

    @Test
    void aNegativeFrameSizeClosesTheConnection() throws Exception {
        assertCounted(NetworkMetrics::negativeFrameSizes, "negativeFrameSizes", () -> {
            try (RawClient client = connect()) {
                client.send(sizeOnly(-1));
                client.assertClosedByServer();
            }
        });
    }

    @Test
    void aFrameSizeAboveTheMaximumClosesTheConnectionBeforeTheBodyIsSent() throws Exception {
        for (int size : new int[] {MAX_FRAME_BYTES + 1, Integer.MAX_VALUE}) {
            assertCounted(NetworkMetrics::framesTooLarge, "framesTooLarge", () -> {
                try (RawClient client = connect()) {
                    client.send(sizeOnly(size));
                    client.assertClosedByServer();
                }
            });
        }
    }

    @Test
    void aFrameCutShortByTheClientClosingIsCountedAsTruncated() throws Exception {
        assertCounted(NetworkMetrics::truncatedFrames, "truncatedFrames", () -> {
            try (RawClient client = connect()) {
                client.apiVersions(3); // the connection is set up and served
                client.send(Arrays.copyOf(sizeOnly(100), 14));
            }
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Headers and bodies
    // ---------------------------------------------------------------------------------------------

    @Test
    void anUnknownApiKeyClosesTheConnection() throws Exception {
        assertCounted(NetworkMetrics::unknownApiKeys, "unknownApiKeys", () -> {
            try (RawClient client = connect()) {
                client.send(RawClient.withPrefix(ByteBuffer.allocate(10).putShort((short) 999).putShort((short) 0)
                    .putInt(1).putShort((short) -1).flip()));
                client.assertClosedByServer();
            }
        });
    }

    @Test
    void anUnsupportedVersionOfARequestClosesTheConnection() throws Exception {
        assertCounted(NetworkMetrics::unsupportedVersions, "unsupportedVersions", () -> {
            try (RawClient client = connect()) {
                client.send(RawClient.frame(client.header(ApiKey.PRODUCE, 99), new byte[8]));
                client.assertClosedByServer();
            }
        });
    }

    @Test
    void anUnsupportedApiVersionsVersionIsAnsweredSoTheClientCanPickAnother() throws Exception {
        try (RawClient client = connect()) {
            ApiVersionsResponse refused = client.apiVersions(99);
            assertEquals(Errors.UNSUPPORTED_VERSION.code, refused.errorCode());
            assertTrue(refused.apiKeys().stream().anyMatch(v -> v.apiKey() == ApiKey.PRODUCE.id));

            assertEquals(Errors.NONE.code, client.apiVersions(3).errorCode(), "the connection stays usable");
        }
    }

    @Test
    void garbageAfterAValidHeaderClosesTheConnection() throws Exception {
        byte[] garbage = new byte[64];
        Arrays.fill(garbage, (byte) 0xff); // over-long varints wherever a length or a string is read
        for (ApiKey key : List.of(ApiKey.PRODUCE, ApiKey.FETCH, ApiKey.METADATA, ApiKey.LIST_OFFSETS)) {
            assertCounted(NetworkMetrics::malformedRequests, "malformedRequests after " + key, () -> {
                try (RawClient client = connect()) {
                    client.send(RawClient.frame(client.header(key, key.servedMaxVersion), garbage));
                    client.assertClosedByServer();
                }
            });
        }
    }

    @Test
    void anArrayLengthFarBeyondTheBytesThatRemainIsRefusedWithoutAllocatingIt() throws Exception {
        // Metadata v12: topics is a compact array; 0x7fffffff elements announced, none sent.
        byte[] body = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
        assertCounted(NetworkMetrics::malformedRequests, "malformedRequests", () -> {
            try (RawClient client = connect()) {
                client.send(RawClient.frame(client.header(ApiKey.METADATA, 12), body));
                client.assertClosedByServer();
            }
        });
    }

    @Test
    void randomBodiesForEveryApiAreAnsweredOrClosedAndNeverHurtTheBroker() throws Exception {
        Random random = new Random(0x5eedL);
        List<ApiKey> keys = Arrays.stream(ApiKey.values())
            // Bodies that happen to decode would create or delete topics: not this test's subject.
            .filter(k -> k != ApiKey.CREATE_TOPICS && k != ApiKey.DELETE_TOPICS && k != ApiKey.CREATE_PARTITIONS)
            .toList();
        for (int i = 0; i < 150; i++) {
            ApiKey key = keys.get(random.nextInt(keys.size()));
            short version = (short) (key.servedMinVersion + random.nextInt(key.servedMaxVersion - key.servedMinVersion + 1));
            byte[] body = new byte[random.nextInt(200)];
            random.nextBytes(body);
            try (RawClient client = connect()) {
                client.send(RawClient.frame(client.header(key, version), body));
                WireHeader probe = client.header(ApiKey.API_VERSIONS, 3);
                client.send(RawClient.frame(probe, new io.varve.protocol.generated.ApiVersionsRequest("probe", "1")));
                assertAnsweredOrClosed(client, probe, "seed 0x5eed, frame " + i + ": " + key + " v" + version);
            }
        }
    }

    /** Reads until the probe's answer (the connection survived) or the end of stream (it was closed). */
    private static void assertAnsweredOrClosed(RawClient client, WireHeader probe, String what) throws IOException {
        try {
            while (true) {
                ByteBuffer frame = client.readFrame();
                if (frame.getInt(0) == probe.correlationId()) {
                    return;
                }
            }
        } catch (EOFException | SocketException e) {
            // closed by the broker: the answer §8 gives where the protocol has no error code
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError(what + ": neither answered nor closed within " + RawClient.READ_TIMEOUT_MS + " ms", e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Record batches: an error code, and nothing stored
    // ---------------------------------------------------------------------------------------------

    private void assertProduceRefused(ByteBuffer batch, Errors expected) throws IOException {
        try (RawClient client = connect()) {
            ProduceResponse response = client.produce(new ProduceRequest(null, (short) -1, 10_000, List.of(
                new ProduceRequest.TopicProduceData(VICTIM, new java.util.UUID(0L, 0L), List.of(new ProduceRequest.PartitionProduceData(0, Records.of(batch)))))));
            ProduceResponse.PartitionProduceResponse partition = response.responses().get(0).partitionResponses().get(0);
            assertEquals(expected.code, partition.errorCode(), "error of the refused batch");
            assertEquals(-1, partition.baseOffset());
            assertEquals(Errors.NONE.code, client.apiVersions(3).errorCode(), "a refused batch does not cost the connection");
        }
    }

    @Test
    void aBatchWithABadCrcIsCorrupt() throws Exception {
        assertProduceRefused(BadBatches.badCrc(), Errors.CORRUPT_MESSAGE);
    }

    @Test
    void aRecordLengthRunningPastTheBatchIsInvalid() throws Exception {
        assertProduceRefused(BadBatches.recordLengthPastTheBatch(), Errors.INVALID_RECORD);
    }

    @Test
    void aNegativeRecordLengthIsInvalid() throws Exception {
        assertProduceRefused(BadBatches.negativeRecordLength(), Errors.INVALID_RECORD);
    }

    @Test
    void aRecordCountThatLiesEitherWayIsInvalid() throws Exception {
        assertProduceRefused(BadBatches.lyingRecordCount(3), Errors.INVALID_RECORD);
        assertProduceRefused(BadBatches.lyingRecordCount(1), Errors.INVALID_RECORD);
        assertProduceRefused(BadBatches.lyingRecordCount(-1), Errors.INVALID_RECORD);
    }

    @Test
    void aBatchLengthRunningPastTheBytesSentIsInvalid() throws Exception {
        assertProduceRefused(BadBatches.batchLengthPastTheEnd(), Errors.INVALID_RECORD);
    }

    @Test
    void anUnknownCompressionCodecIsInvalid() throws Exception {
        assertProduceRefused(BadBatches.unknownCodec(), Errors.INVALID_RECORD);
    }

    @Test
    void aCompressedPayloadOfGarbageIsRefused() throws Exception {
        assertProduceRefused(BadBatches.compressedGarbageWithStaleCrc(), Errors.CORRUPT_MESSAGE);
    }

    @Test
    void aValidBatchAfterABadOneOnTheSameConnectionIsStillStored() throws Exception {
        try (RawClient client = connect()) {
            ProduceResponse bad = client.produce(new ProduceRequest(null, (short) 1, 10_000, List.of(
                new ProduceRequest.TopicProduceData(HEALTHY, new java.util.UUID(0L, 0L), List.of(new ProduceRequest.PartitionProduceData(0,
                    Records.of(BadBatches.badCrc())))))));
            assertEquals(Errors.CORRUPT_MESSAGE.code, bad.responses().get(0).partitionResponses().get(0).errorCode());
            ProduceResponse good = client.produce(new ProduceRequest(null, (short) 1, 10_000, List.of(
                new ProduceRequest.TopicProduceData(HEALTHY, new java.util.UUID(0L, 0L), List.of(new ProduceRequest.PartitionProduceData(0,
                    Records.of(BadBatches.bytes(BadBatches.valid("raw-1", "raw-2")))))))));
            ProduceResponse.PartitionProduceResponse stored = good.responses().get(0).partitionResponses().get(0);
            assertEquals(Errors.NONE.code, stored.errorCode());
            assertEquals(healthy.size(), stored.baseOffset(), "right after what was there: nothing of the bad batch");
            assertFalse(healthy.contains("raw-1"));
            healthy.addAll(List.of("raw-1", "raw-2"));
        }
    }
}
