package dev.slm.rollout.entity;

/** What asked for a sync: every trigger goes through the same path. */
public enum TriggerType {
    NODE, FLEET, SCHEDULE, ROLLOUT
}
