package io.varve.broker.group;

/**
 * The states of a classic group, with Kafka's names (ListGroups and DescribeGroups report them).
 *
 * <pre>
 *  Empty ──join──► PreparingRebalance ──all joined / rebalance timeout──► CompletingRebalance
 *    ▲                 ▲        │ (no members left)                           │ leader's SyncGroup
 *    └─────────────────┼────────┘                                             ▼
 *                      └──── join with new metadata, leave, session expiry ── Stable
 *  any state ──DeleteGroups (only Empty) / partition unloaded──► Dead
 * </pre>
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    /** The name on the wire. */
    public final String displayName;

    GroupState(String displayName) {
        this.displayName = displayName;
    }

    /** The state named {@code name} on the wire (case-insensitive), or null. */
    public static GroupState forName(String name) {
        for (GroupState s : values()) {
            if (s.displayName.equalsIgnoreCase(name)) {
                return s;
            }
        }
        return null;
    }
}
