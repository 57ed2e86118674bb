package io.varve.broker.group;

import static io.varve.broker.group.GroupFixture.GROUP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.Errors;
import io.varve.protocol.generated.JoinGroupRequest;
import io.varve.protocol.generated.JoinGroupResponse;
import io.varve.protocol.generated.LeaveGroupRequest;
import io.varve.protocol.generated.SyncGroupRequest;
import io.varve.protocol.generated.SyncGroupResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any interleaving of joins (dynamic and static, with changing metadata), syncs, heartbeats,
 * leaves, commits and passing time keeps the group's invariants, checked after every step:
 * <ul>
 *   <li>MonotonicGeneration: the generation never goes back;</li>
 *   <li>LeaderIsAMember: in CompletingRebalance and Stable there are members, a chosen protocol, and the leader is one of them;</li>
 *   <li>EmptyMeansNoMembers: an Empty group has no members;</li>
 *   <li>WaitersMatchTheState: joins wait only in PreparingRebalance, syncs only in CompletingRebalance;</li>
 *   <li>StaticIdsPointAtMembers: every group.instance.id maps to a current member that holds it;</li>
 *   <li>AnsweredOnce: no request is answered twice;</li>
 *   <li>CommitsOnlyFromTheCurrentGeneration: an accepted commit came from the group's generation at the time (or was a simple commit on an Empty group).</li>
 * </ul>
 * A failing case prints its seed; {@code @Property(seed = "...")} replays it.
 */
class GroupCoordinatorPropertyTest {

    private static final int MEMBERS = 4;

    sealed interface Op permits Join, Sync, Beat, Leave, Commit, Advance {
    }

    record Join(int member, byte metadata) implements Op {
    }

    record Sync(int member) implements Op {
    }

    record Beat(int member) implements Op {
    }

    record Leave(int member) implements Op {
    }

    record Commit(int member) implements Op {
    }

    record Advance(int ms) implements Op {
    }

    /** What one simulated client knows: its member id and the generation it last joined. */
    private static final class Client {
        String memberId = "";
        int generation = -1;
    }

    @Property(tries = 300)
    void groupInvariantsHoldAfterEveryStep(@ForAll("ops") List<Op> ops) {
        GroupFixture f = new GroupFixture(Map.of(GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, 500,
            GroupCoordinatorConfig.GROUP_MIN_SESSION_TIMEOUT_MS, 1000));
        Client[] clients = new Client[MEMBERS];
        for (int i = 0; i < MEMBERS; i++) {
            clients[i] = new Client();
        }
        int lastGeneration = 0;
        for (Op op : ops) {
            step(f, clients, op);
            lastGeneration = checkInvariants(f, lastGeneration);
        }
    }

    /** Members 0 and 1 are static (instance ids), 2 and 3 dynamic. */
    private static String instanceId(int member) {
        return member < 2 ? "instance-" + member : null;
    }

    private void step(GroupFixture f, Client[] clients, Op op) {
        if (op instanceof Join j) {
            Client c = clients[j.member()];
            JoinGroupRequest req = new JoinGroupRequest(GROUP, GroupFixture.SESSION_MS, GroupFixture.REBALANCE_MS,
                c.memberId, instanceId(j.member()), "consumer",
                List.of(new JoinGroupRequest.JoinGroupRequestProtocol("range", new byte[] {j.metadata()})), null);
            f.coordinator.join(req, "client", "/h", f.nowMs, once((JoinGroupResponse r) -> {
                if (r.errorCode() == Errors.NONE.code || r.errorCode() == Errors.MEMBER_ID_REQUIRED.code) {
                    c.memberId = r.memberId();
                    c.generation = r.generationId();
                } else if (r.errorCode() == Errors.UNKNOWN_MEMBER_ID.code
                        || r.errorCode() == Errors.FENCED_INSTANCE_ID.code) {
                    c.memberId = "";
                }
            }));
        } else if (op instanceof Sync s) {
            Client c = clients[s.member()];
            List<SyncGroupRequest.SyncGroupRequestAssignment> assignments = new ArrayList<>();
            for (Client other : clients) {
                if (!other.memberId.isEmpty()) {
                    assignments.add(new SyncGroupRequest.SyncGroupRequestAssignment(other.memberId, new byte[] {1}));
                }
            }
            f.coordinator.sync(new SyncGroupRequest(GROUP, c.generation, c.memberId, instanceId(s.member()), null,
                null, assignments), f.nowMs, once((SyncGroupResponse r) -> { }));
        } else if (op instanceof Beat b) {
            Client c = clients[b.member()];
            f.coordinator.heartbeat(new io.varve.protocol.generated.HeartbeatRequest(GROUP, c.generation, c.memberId,
                instanceId(b.member())), f.nowMs);
        } else if (op instanceof Leave l) {
            Client c = clients[l.member()];
            f.coordinator.leave(new LeaveGroupRequest(GROUP, "", List.of(new LeaveGroupRequest.MemberIdentity(
                c.memberId, instanceId(l.member()), null))), f.nowMs);
        } else if (op instanceof Commit cm) {
            Client c = clients[cm.member()];
            ClassicGroup g = f.group();
            int generationNow = g == null ? -2 : g.generationId;
            boolean emptyNow = g == null || g.is(GroupState.EMPTY);
            short error = f.commit(c.memberId, c.generation, "t", cm.member(), 1);
            if (error == Errors.NONE.code) {
                assertTrue(c.generation == generationNow || (c.generation < 0 && emptyNow),
                    "CommitsOnlyFromTheCurrentGeneration: accepted generation " + c.generation + " while the group was at "
                        + generationNow);
            }
        } else if (op instanceof Advance a) {
            f.advance(a.ms());
        }
    }

    private static <T> Consumer<T> once(Consumer<T> body) {
        AtomicInteger calls = new AtomicInteger();
        return r -> {
            assertEquals(1, calls.incrementAndGet(), "AnsweredOnce: " + r);
            body.accept(r);
        };
    }

    private static int checkInvariants(GroupFixture f, int lastGeneration) {
        ClassicGroup g = f.group();
        if (g == null) {
            return lastGeneration;
        }
        assertTrue(g.generationId >= lastGeneration, "MonotonicGeneration");
        GroupState s = g.state();
        if (s == GroupState.COMPLETING_REBALANCE || s == GroupState.STABLE) {
            assertTrue(!g.members.isEmpty(), "LeaderIsAMember: members in " + s);
            assertNotNull(g.protocolName, "LeaderIsAMember: protocol in " + s);
            assertTrue(g.members.containsKey(g.leaderId), "LeaderIsAMember: " + g.leaderId);
        }
        if (s == GroupState.EMPTY) {
            assertTrue(g.members.isEmpty(), "EmptyMeansNoMembers");
        }
        for (GroupMember m : g.members.values()) {
            assertTrue(m.awaitingJoin == null || s == GroupState.PREPARING_REBALANCE, "WaitersMatchTheState: join in " + s);
            assertTrue(m.awaitingSync == null || s == GroupState.COMPLETING_REBALANCE, "WaitersMatchTheState: sync in " + s);
        }
        g.staticMembers.forEach((instance, memberId) -> {
            GroupMember m = g.members.get(memberId);
            assertNotNull(m, "StaticIdsPointAtMembers: " + instance);
            assertEquals(instance, m.groupInstanceId, "StaticIdsPointAtMembers");
        });
        return g.generationId;
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> member = Arbitraries.integers().between(0, MEMBERS - 1);
        Arbitrary<Op> join = Combinators.combine(member, Arbitraries.of((byte) 1, (byte) 1, (byte) 2)).as(Join::new);
        Arbitrary<Op> sync = member.map(Sync::new);
        Arbitrary<Op> beat = member.map(Beat::new);
        Arbitrary<Op> leave = member.map(Leave::new);
        Arbitrary<Op> commit = member.map(Commit::new);
        Arbitrary<Op> advance = Arbitraries.of(100, 600, 4000, 11_000, 31_000).map(Advance::new);
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(5, join), net.jqwik.api.Tuple.of(4, sync), net.jqwik.api.Tuple.of(3, beat),
            net.jqwik.api.Tuple.of(1, leave), net.jqwik.api.Tuple.of(2, commit), net.jqwik.api.Tuple.of(3, advance))
            .list().ofMinSize(1).ofMaxSize(60);
    }
}
