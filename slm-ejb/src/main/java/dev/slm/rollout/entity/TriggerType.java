package dev.slm.rollout.entity;

/** What asked for a sync: every trigger goes through the same path. */
public enum TriggerType {
    NODE, FLEET, SCHEDULE, ROLLOUT;

    /** What an operator asked for by hand: a node's sync or a fleet sync (the history's "manual"). */
    public static final java.util.Set<TriggerType> MANUAL = java.util.Collections.unmodifiableSet(java.util.EnumSet.of(NODE, FLEET));
}
