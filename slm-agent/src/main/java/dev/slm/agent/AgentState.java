package dev.slm.agent;

/** The {@code state} of a heartbeat, as it travels (the server's {@code AgentState}): busy with an update or not. */
public enum AgentState {
    IDLE, APPLYING
}
