package dev.slm.web.api;

import dev.slm.packages.boundary.CodePackages;
import dev.slm.rollout.entity.SyncCommand;
import java.io.IOException;

/**
 * The sync command in an agent's answer (docs/protocol.md): {@code manifest} (base64 of the canonical manifest
 * bytes, docs/packages.md) and {@code manifest_signature} are what an agent checks; {@code sha256} and
 * {@code signature} (over the bare digest) are kept for agents from before the manifest.
 */
public record CommandView(String type, long operationId, String targetVersion, String restart, String packageUrl,
                          String manifest, String manifestSignature, String sha256, String signature) {

    static CommandView of(SyncCommand c, CodePackages packages) throws IOException {
        CodePackages.SignedPackage p = packages.forCommit(java.util.Optional.of(c.targetCommit())).orElse(null);
        return new CommandView("sync", c.operationId(), c.targetCommit(), c.effectiveRestart().name().toLowerCase(),
                "/api/nodes/" + c.nodeId() + "/code-package?version=" + c.targetCommit(),
                p == null ? null : p.manifest(), p == null ? null : p.manifestSignature(),
                p == null ? null : p.sha256(), p == null ? null : p.legacySignature());
    }
}
