package io.varve.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.network.NettyRecords;
import io.varve.broker.network.RequestContext;
import io.varve.broker.network.ResponseCallback;
import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.Records;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;
import io.varve.broker.network.RequestHeader;
import io.varve.storage.LogManager;
import io.varve.storage.PartitionLog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Plays the network edge for handler tests: takes each answer exactly once, and owns the
 * {@link NettyRecords} in it, closing them as the edge does after the write. Not thread-safe.
 */
final class Answers {

    private final List<NettyRecords> owned = new ArrayList<>();

    static RequestContext context(ApiKey key, int version) {
        return new RequestContext(1L, "PLAINTEXT", new InetSocketAddress("127.0.0.1", 40_000),
            new RequestHeader(key, (short) version, 7, "test-client"), 0L);
    }

    /** One request's callback; {@link #get()} is null until it is answered. */
    final class Answer implements ResponseCallback {
        private GeneratedMessage response;
        private int calls;

        @Override
        public void respond(GeneratedMessage r) {
            calls++;
            assertEquals(1, calls, "a request is answered exactly once");
            response = r;
            if (r instanceof FetchResponse fetch) {
                fetch.responses().forEach(t -> t.partitions().forEach(p -> {
                    if (p.records() instanceof NettyRecords records) {
                        owned.add(records);
                    }
                }));
            }
        }

        boolean answered() {
            return calls > 0;
        }

        @SuppressWarnings("unchecked")
        <R extends GeneratedMessage> R get() {
            assertTrue(answered(), "not answered");
            return (R) response;
        }
    }

    Answer next() {
        return new Answer();
    }

    /**
     * {@code request} served by a leader's real {@code fetch} handler, called directly and answered at
     * once (max wait 0: nothing else runs while the calling thread would wait), with the records copied
     * out of the leader's segments, as the network would, and the leader's slices closed.
     */
    FetchResponse fetchNow(FetchHandler fetch, FetchRequest request) {
        FetchRequest now = request.toBuilder().maxWaitMs(0).build();
        Answer answer = next();
        fetch.handle(context(ApiKey.FETCH, 12), now, answer);
        FetchResponse response = answer.get();
        List<FetchResponse.FetchableTopicResponse> topics = new ArrayList<>();
        for (FetchResponse.FetchableTopicResponse t : response.responses()) {
            List<FetchResponse.PartitionData> parts = new ArrayList<>();
            for (FetchResponse.PartitionData d : t.partitions()) {
                Records copy = d.records() == null ? null : Records.of(bytes(d.records()));
                parts.add(new FetchResponse.PartitionData(d.partitionIndex(), d.errorCode(), d.highWatermark(),
                    d.lastStableOffset(), d.logStartOffset(), d.divergingEpoch(), d.currentLeader(), d.snapshotId(),
                    d.abortedTransactions(), d.preferredReadReplica(), copy));
            }
            topics.add(new FetchResponse.FetchableTopicResponse(t.topic(), t.topicId(), parts));
        }
        closeAll();
        return new FetchResponse(response.throttleTimeMs(), response.errorCode(), response.sessionId(), topics,
            response.nodeEndpoints());
    }

    /** The bytes of a records field, copied out. */
    static ByteBuffer bytes(Records records) {
        assertNotNull(records);
        ByteBuffer out = ByteBuffer.allocate(records.sizeInBytes());
        records.copyTo(out);
        return out.flip();
    }

    /** Gives back every segment slice answered so far, as the network edge does after the write. */
    void closeAll() {
        owned.forEach(NettyRecords::close);
        owned.clear();
    }

    /** Slices answered and not yet closed. */
    int open() {
        return owned.size();
    }

    /**
     * Deletes every log and checks that nothing is left behind: a segment a reader still pins keeps its
     * {@code .deleted} files until released, so a leaked slice shows up here.
     */
    static void assertEveryLogDeletesCleanly(LogManager logs) throws IOException {
        for (PartitionLog log : logs.allLogs()) {
            Path dir = log.dir();
            logs.deleteLog(log.topicPartition());
            if (Files.exists(dir)) {
                try (Stream<Path> left = Files.list(dir)) {
                    assertEquals(List.of(), left.toList(), "files a leaked segment reference keeps alive");
                }
            }
        }
    }
}
