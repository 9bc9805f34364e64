package dev.slm.web.api;

import dev.slm.packages.boundary.CodePackages;
import dev.slm.rollout.entity.SyncCommand;
import java.io.IOException;

/** The sync command in an agent's answer (DESIGN.md), with the package's digest and signature to verify. */
public record CommandView(String type, long operationId, String targetVersion, String restart, String packageUrl,
                          String sha256, String signature) {

    static CommandView of(SyncCommand c, CodePackages packages) throws IOException {
        CodePackages.SignedPackage p = packages.forCommit(java.util.Optional.of(c.targetCommit())).orElse(null);
        return new CommandView("sync", c.operationId(), c.targetCommit(), c.effectiveRestart().name().toLowerCase(),
                "/api/nodes/" + c.nodeId() + "/code-package?version=" + c.targetCommit(),
                p == null ? null : p.sha256(), p == null ? null : p.signature());
    }
}
