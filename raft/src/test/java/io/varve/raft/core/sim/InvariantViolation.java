package io.varve.raft.core.sim;

import java.util.Objects;

/** A named safety or liveness invariant failed; {@link #invariant()} says which, the message why. */
final class InvariantViolation extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Invariant invariant;

    InvariantViolation(Invariant invariant, String detail) {
        super(invariant + ": " + detail);
        this.invariant = Objects.requireNonNull(invariant, "invariant");
    }

    Invariant invariant() {
        return invariant;
    }
}
