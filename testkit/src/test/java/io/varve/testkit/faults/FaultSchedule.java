package io.varve.testkit.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A seeded list of faults: the kinds come in rounds, each round every kind once in an order drawn
 * from the seed, so that a schedule as long as the kinds covers each of them; before each fault a
 * pause of normal operation (half to one and a half times the mean); and for each fault a number
 * from which the injector draws its targets (which node, which partition, how many bytes), so that a
 * seed names the same faults on the same targets. The processes' own timing does not replay: a seed
 * that found a problem gives the same schedule, not the same interleaving. Immutable.
 */
final class FaultSchedule {

    /** One fault: its place in the schedule (1-based), its kind, the pause before it, and its targets' seed. */
    record Fault(int number, FaultKind kind, Duration pauseBefore, long targetSeed) {

        Random targets() {
            return new Random(targetSeed);
        }
    }

    private final long seed;
    private final List<Fault> faults;

    private FaultSchedule(long seed, List<Fault> faults) {
        this.seed = seed;
        this.faults = List.copyOf(faults);
    }

    static FaultSchedule draw(long seed, int count, Set<FaultKind> kinds, Duration meanPause) {
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("no fault kinds to draw from");
        }
        Random random = new Random(seed);
        List<FaultKind> round = new ArrayList<>();
        List<Fault> faults = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            if (round.isEmpty()) {
                round.addAll(kinds.stream().sorted().toList());
                Collections.shuffle(round, random);
            }
            FaultKind kind = round.remove(0);
            Duration pause = Duration.ofMillis((long) (meanPause.toMillis() * (0.5 + random.nextDouble())));
            faults.add(new Fault(i, kind, pause, random.nextLong()));
        }
        return new FaultSchedule(seed, faults);
    }

    long seed() {
        return seed;
    }

    List<Fault> faults() {
        return faults;
    }

    int size() {
        return faults.size();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("seed " + seed + ", " + faults.size() + " faults:");
        faults.forEach(f -> s.append("\n  ").append(f.number()).append(". after ").append(f.pauseBefore().toMillis())
            .append(" ms: ").append(f.kind()));
        return s.toString();
    }
}
