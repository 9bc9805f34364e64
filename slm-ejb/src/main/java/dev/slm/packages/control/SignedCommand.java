package dev.slm.packages.control;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What the server vouches for when it tells a node to sync: this node, this operation (issued at this time), this
 * target, this restart, this package (by its signed manifest). The manifest alone says what a package is, not that
 * anyone asked for it now: a whole old command — target, manifest and package of an older commit — could be offered
 * again to take a node back. The agent refuses a command whose signature does not cover exactly its fields, that is
 * for another node, or that it has carried out before (docs/protocol.md). Bytes in docs/packages.md.
 *
 * @param restart        as it travels ({@code RestartType.wire()}: immediate|graceful|manual)
 * @param manifestSha256 lower-case hex SHA-256 of the manifest's canonical bytes
 */
public record SignedCommand(String nodeId, long operationId, Instant issuedAt, String targetCommit, String restart,
                            String manifestSha256) {

    public static final int FORMAT = 1;

    /** One JSON object, UTF-8, no whitespace, keys in this order; strings escaped as in {@link PackageManifest}. */
    public byte[] canonicalBytes() {
        return ("{\"format\":" + FORMAT
                + ",\"node_id\":" + PackageManifest.string(nodeId)
                + ",\"operation_id\":" + operationId
                // microseconds, as the database keeps it: the same operation read back gives the same bytes
                + ",\"issued_at\":" + PackageManifest.string(issuedAt.truncatedTo(ChronoUnit.MICROS).toString())
                + ",\"target_commit\":" + PackageManifest.string(targetCommit)
                + ",\"restart\":" + PackageManifest.string(restart)
                + ",\"manifest_sha256\":" + PackageManifest.string(manifestSha256) + "}").getBytes(StandardCharsets.UTF_8);
    }
}
