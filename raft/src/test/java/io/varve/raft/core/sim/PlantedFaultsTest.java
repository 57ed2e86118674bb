package io.varve.raft.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.varve.raft.core.PlantedFault;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The harness can fail, and for the right reason: each bug planted through {@link PlantedFault} breaks
 * the one invariant named for it below, on a seed where correct Raft keeps every invariant, and that
 * failure replays exactly from the line it prints. Together the faults make every {@link Invariant}
 * fire at least once, so no invariant is a check that cannot fail. A run that never fails would
 * prove nothing about the seeds that pass. (docs/testing.md has the table, with the seeds.)
 */
class PlantedFaultsTest {

    /** Each planted fault and the invariant that must be the first to catch it. */
    static Stream<Arguments> faultsAndTheInvariantThatCatchesThem() {
        return Stream.of(
            arguments(PlantedFault.VOTE_TWICE_IN_A_TERM, Invariant.SINGLE_LEADER_PER_TERM),
            arguments(PlantedFault.UNCAPPED_FOLLOWER_COMMIT, Invariant.COMMITTED_ENTRIES_NEVER_CHANGE),
            arguments(PlantedFault.COMMIT_INDEX_GOES_BACK, Invariant.MONOTONIC_COMMIT_INDEX),
            arguments(PlantedFault.VOTE_WITHOUT_LOG_CHECK, Invariant.LEADER_HAS_ALL_COMMITTED_ENTRIES),
            arguments(PlantedFault.COMMIT_EARLIER_TERM_BY_COUNTING, Invariant.LEADER_HAS_ALL_COMMITTED_ENTRIES),
            arguments(PlantedFault.INSTALL_SNAPSHOT_WITHOUT_RESTORE, Invariant.STATE_MACHINES_AGREE_AT_EQUAL_INDEX),
            arguments(PlantedFault.FORGET_VOTE, Invariant.PERSIST_BEFORE_SEND),
            arguments(PlantedFault.NEVER_RESEND_LOST_APPENDS, Invariant.LEADER_ELECTED_AND_PROPOSAL_COMMITTED_AFTER_HEAL),
            arguments(PlantedFault.FOLLOWER_COMMIT_PAST_ITS_LOG, Invariant.NO_EXCEPTION));
    }

    /** The first failing seed of each fault, found once and shared by the tests below. */
    private static final Map<PlantedFault, RaftSimulation.Result> FIRST_CAUGHT = new HashMap<>();

    private static synchronized RaftSimulation.Result firstCaught(PlantedFault fault) {
        return FIRST_CAUGHT.computeIfAbsent(fault, f -> {
            for (long seed = 0; seed < RaftSimulationTest.DEFAULT_SEEDS; seed++) {
                RaftSimulation.Result result = new RaftSimulation(seed, f).run();
                if (result.failure() != null) {
                    return result;
                }
            }
            return null;
        });
    }

    @ParameterizedTest(name = "{0} is caught by {1}")
    @MethodSource("faultsAndTheInvariantThatCatchesThem")
    void aPlantedFaultBreaksItsNamedInvariantOnASeedThatCorrectRaftPasses(PlantedFault fault, Invariant expected) {
        RaftSimulation.Result caught = firstCaught(fault);
        assertNotNull(caught, fault + " survived " + RaftSimulationTest.DEFAULT_SEEDS + " seeds");
        String message = RaftSimulationTest.failureMessage(caught);
        assertEquals(expected, caught.failure().invariant(), message);
        RaftSimulation.Result correct = new RaftSimulation(caught.seed(), PlantedFault.NONE).run();
        assertNull(correct.failure(), () -> "the seed fails without the fault too, so the catch proves nothing: "
            + RaftSimulationTest.failureMessage(correct));
        System.out.println(fault + " caught: " + message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faultsAndTheInvariantThatCatchesThem")
    void aCaughtSeedReplaysExactlyFromTheCommandItPrints(PlantedFault fault, Invariant expected) {
        RaftSimulation.Result caught = firstCaught(fault);
        assertNotNull(caught, fault + " survived " + RaftSimulationTest.DEFAULT_SEEDS + " seeds");
        String message = RaftSimulationTest.failureMessage(caught);
        String command = message.lines().filter(line -> line.trim().startsWith("replay: ")).findFirst().orElseThrow();
        RaftSimulationTest.Selection selection = RaftSimulationTest.Selection.from(systemProperties(command)::get);
        assertEquals(new RaftSimulationTest.Selection(caught.seed(), 1, fault), selection, command);

        RaftSimulation.Result replayed = new RaftSimulation(selection.firstSeed(), selection.fault()).run();
        assertNotNull(replayed.failure(), command);
        assertEquals(caught.failure().invariant(), replayed.failure().invariant(), command);
        assertEquals(caught.failure().getMessage(), replayed.failure().getMessage(), command);
        assertEquals(caught.endNs(), replayed.endNs(), "the same simulated time: " + command);
        assertEquals(caught.events(), replayed.events(), "the same event: " + command);
        assertEquals(caught.traceHash(), replayed.traceHash(), "the same trace: " + command);
        assertEquals(caught.failureContext(), replayed.failureContext(), command);
    }

    @Test
    void everyInvariantIsShownToFireAndEveryFaultNamesTheInvariantThatCatchesIt() {
        Map<PlantedFault, Invariant> table = faultsAndTheInvariantThatCatchesThem()
            .collect(Collectors.toMap(a -> (PlantedFault) a.get()[0], a -> (Invariant) a.get()[1],
                (a, b) -> { throw new AssertionError("a fault listed twice"); }, () -> new EnumMap<>(PlantedFault.class)));
        Set<PlantedFault> planted = EnumSet.complementOf(EnumSet.of(PlantedFault.NONE));
        assertEquals(planted, table.keySet(), "every planted fault names the invariant that catches it");
        assertEquals(EnumSet.allOf(Invariant.class), EnumSet.copyOf(table.values()),
            "every invariant is shown to fire by some planted fault");
    }

    /** The {@code -Dname=value} arguments of a command line. */
    private static Map<String, String> systemProperties(String commandLine) {
        Map<String, String> properties = new HashMap<>();
        for (String word : commandLine.trim().split("\\s+")) {
            if (word.startsWith("-D") && word.contains("=")) {
                properties.put(word.substring(2, word.indexOf('=')), word.substring(word.indexOf('=') + 1));
            }
        }
        assertTrue(properties.containsKey("varve.sim.seed") && properties.containsKey("varve.sim.fault"), commandLine);
        return properties;
    }
}
