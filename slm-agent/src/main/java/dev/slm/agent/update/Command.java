package dev.slm.agent.update;

/** A sync command from the server (heartbeat reply or long-poll). */
public record Command(long operationId, String targetVersion, String restart, String packageUrl, String sha256,
                      String signature) {
}
