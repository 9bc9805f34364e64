package dev.slm.agent.update;

/**
 * The {@code stage} of a progress report, as it travels (docs/protocol.md): the server's sync statuses an agent may
 * move an operation to. The agent's own {@link Updater.Stage}s are finer; {@code Updater} maps them onto these.
 */
public enum ReportedStage {
    DOWNLOADING, APPLYING, RESTARTING, HEALTH_CHECK, ROLLING_BACK, FAILED, ROLLED_BACK
}
