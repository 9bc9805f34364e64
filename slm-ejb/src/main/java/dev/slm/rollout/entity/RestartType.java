package dev.slm.rollout.entity;

/** How the agent restarts the service after the swap (DESIGN.md, restart strategies). */
public enum RestartType {
    IMMEDIATE, GRACEFUL, MANUAL
}
