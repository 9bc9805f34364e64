package dev.slm.fleet.entity;

/** The states an agent reports in its heartbeat (its update state machine, seen from outside). */
public enum AgentState {
    IDLE, DOWNLOADING, APPLYING, RESTARTING, HEALTH_CHECK, ROLLING_BACK
}
