package io.varve.broker.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.loop.SharedLoopScheduler;
import io.varve.common.ManualClock;
import io.varve.config.ControllerQuorumConfig;
import io.varve.protocol.Errors;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.rpc.FetchMetadataCodec;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * State Watch on an event loop, driven in the test's thread by the shared scheduler; the voters are a
 * fake seam whose answers the test gives. The follower applies what it fetched, asks the leader a
 * voter names, says when it caught up, and moves to the next voter after a failure and a backoff.
 */
class MetadataFollowerLoopTest {

    private static final long MAX_TURNS = 10_000;

    /** Voters that answer only when the test says so. */
    private static final class HeldFetches implements MetadataFollower.Fetches {
        record Sent(ControllerQuorumConfig.Voter voter, FetchMetadataCodec.Request request,
                    CompletableFuture<FetchMetadataCodec.Response> answer) {
        }

        final Deque<Sent> sent = new ArrayDeque<>();
        final List<Sent> all = new ArrayList<>();

        @Override
        public CompletableFuture<FetchMetadataCodec.Response> fetch(ControllerQuorumConfig.Voter voter,
                                                                    FetchMetadataCodec.Request request) {
            Sent s = new Sent(voter, request, new CompletableFuture<>());
            sent.add(s);
            all.add(s);
            return s.answer();
        }

        @Override
        public void close() {
        }
    }

    private final SharedLoopScheduler scheduler = new SharedLoopScheduler(3, new ManualClock());
    private final HeldFetches voters = new HeldFetches();
    private final ControllerQuorumConfig quorum = ControllerQuorumConfig.from(Map.of(ControllerQuorumConfig.VOTERS,
        "1@127.0.0.1:9001,2@127.0.0.1:9002,3@127.0.0.1:9003"));
    private int updates;
    private MetadataFollower follower;

    @BeforeEach
    void start() {
        follower = new MetadataFollower("cluster", quorum, scheduler.clock(), voters, scheduler.starter());
        follower.start(() -> updates++);
        run(0);
    }

    @Test
    void appliesWhatItFetchedAsksTheLeaderNextAndSaysWhenItCaughtUp() {
        assertEquals(1, voters.sent.size());
        assertEquals(0, voters.sent.peek().request().fromOffset());

        voters.sent.poll().answer().complete(new FetchMetadataCodec.Response(Errors.NONE.code, 2, 2, null,
            List.of(new FetchMetadataCodec.OffsetRecord(0, topic(0)), new FetchMetadataCodec.OffsetRecord(1, topic(1)))));
        run(0);
        assertEquals(2, follower.image().topicsByName().size());
        assertEquals(1, updates);
        assertEquals(2, follower.leaderId());
        assertFalse(follower.isCaughtUp());
        HeldFetches.Sent next = voters.sent.poll();
        assertEquals(2, next.voter().id(), "the leader's committed point is the freshest");
        assertEquals(2, next.request().fromOffset());

        next.answer().complete(new FetchMetadataCodec.Response(Errors.NONE.code, 2, 2, null, List.of()));
        run(0);
        assertTrue(follower.isCaughtUp());
        assertEquals(1, updates, "nothing new: no update");
        assertEquals(1, voters.sent.size(), "and it keeps following");
    }

    @Test
    void aFailedFetchMovesToTheNextVoterAfterABackoff() {
        HeldFetches.Sent first = voters.sent.poll();
        first.answer().completeExceptionally(new IOException("connection refused"));
        run(0);
        assertTrue(voters.sent.isEmpty(), "no retry before the backoff");

        run(QuorumThreads.RETRY_BACKOFF.termMs(0));
        assertEquals(1, voters.sent.size());
        assertTrue(voters.sent.peek().voter().id() != first.voter().id());
        assertEquals(0, updates);
    }

    private void run(long ms) {
        scheduler.runForMs(ms, MAX_TURNS);
    }

    private static MetadataRecord topic(int i) {
        return new MetadataRecord.Topic("t" + i, new UUID(11, i));
    }
}
