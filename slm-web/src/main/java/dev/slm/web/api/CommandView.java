package dev.slm.web.api;

import dev.slm.packages.boundary.CodePackages;
import dev.slm.rollout.entity.SyncCommand;
import java.io.IOException;

/**
 * The sync command in an agent's answer (docs/protocol.md): {@code signed_command} (base64 of the canonical command
 * bytes: node, operation, issue time, target, restart, manifest) with {@code command_signature}, and {@code manifest}
 * (docs/packages.md) with {@code manifest_signature} are what an agent checks; {@code sha256} and {@code signature}
 * (over the bare digest) are kept for agents from before the manifest.
 */
public record CommandView(String type, long operationId, String targetCommit, String restart, String packageUrl,
                          String manifest, String manifestSignature, String signedCommand, String commandSignature,
                          String sha256, String signature) {

    static CommandView of(SyncCommand c, CodePackages packages) throws IOException {
        CodePackages.SignedPackage p = packages.forCommit(java.util.Optional.of(c.targetCommit())).orElse(null);
        String restart = c.effectiveRestart().wire();
        CodePackages.CommandGrant grant = p == null ? null : packages.sign(c.nodeId(), c.operationId(),
                c.createdAt(), c.targetCommit(), restart, p);
        return new CommandView("sync", c.operationId(), c.targetCommit(), restart,
                "/api/nodes/" + c.nodeId() + "/code-package?version=" + c.targetCommit(),
                p == null ? null : p.manifest(), p == null ? null : p.manifestSignature(),
                grant == null ? null : grant.signedCommand(), grant == null ? null : grant.signature(),
                p == null ? null : p.sha256(), p == null ? null : p.legacySignature());
    }
}
