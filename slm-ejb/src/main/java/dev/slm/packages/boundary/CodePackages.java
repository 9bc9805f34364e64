package dev.slm.packages.boundary;

import dev.slm.platform.ServerSettings;
import dev.slm.packages.control.PackageBuilder;
import dev.slm.packages.control.PackageCache;
import dev.slm.packages.control.PackageManifest;
import dev.slm.packages.control.SignedCommand;
import dev.slm.packages.control.PackageRules;
import dev.slm.packages.control.SigningKey;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.SlmConfig;
import dev.slm.source.boundary.SourceStore;
import dev.slm.source.entity.CommitInfo;
import dev.slm.source.boundary.Mirror;
import dev.slm.source.entity.TrackedSource;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.logging.Logger;

/** The package of the tracked subdirectory at a commit: built once, cached, signed. */
@ApplicationScoped
public class CodePackages {

    private static final Logger LOG = Logger.getLogger(CodePackages.class.getName());

    @Inject
    SlmConfig config;

    @Inject
    SourceStore source;

    @Inject
    Mirror mirror;

    private SigningKey key;
    private PackageCache cache;

    /**
     * A package ready to serve: its signed manifest ({@code manifest} is the base64 of the canonical bytes that
     * {@code manifestSignature} signs) and, for agents from before the manifest, the signature of its bare digest.
     */
    public record SignedPackage(String commit, Path file, long size, String sha256, String manifest,
                                String manifestSignature, String legacySignature) {
    }

    @PostConstruct
    void init() {
        try {
            key = SigningKey.loadOrCreate(config.dataDir().resolve("signing"));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load or create the package signing key", e);
        }
        cache = new PackageCache(config.dataDir().resolve("packages"), config.packageCacheBytes());
        LOG.info(() -> "package signing key " + key.fingerprint());
    }

    /**
     * @param commit a full commit id, or empty for the latest
     * @return empty when the commit is not in the mirror or lacks the tracked subdirectory
     * @throws InvalidInput for a malformed commit id
     */
    public Optional<SignedPackage> forCommit(Optional<String> commit) throws IOException {
        TrackedSource s = source.current().orElseThrow();
        String id = commit.orElse(s.desiredCommit());
        if (id == null) {
            return Optional.empty();
        }
        if (!CommitInfo.ID.matcher(id).matches()) {
            throw new InvalidInput("version must be a full commit id: 40 lower-case hex digits");
        }
        String cacheKey = id + "-" + fingerprint(s.branch() + "\n" + s.path() + "\n" + PackageBuilder.FORMAT);
        try {
            PackageCache.CachedPackage p = cache.get(cacheKey,
                    out -> PackageBuilder.write(mirror.repository(), id, s.branch(), s.path(), out));
            PackageManifest manifest = new PackageManifest(id, s.branch(), ServerSettings.normaliseGitPath(s.path()),
                    p.sha256(), p.size(), p.unpackedSize());
            return Optional.of(new SignedPackage(id, p.file(), p.size(), p.sha256(),
                    Base64.getEncoder().encodeToString(manifest.canonicalBytes()), key.sign(manifest),
                    key.signLegacyDigest(p.sha256())));
        } catch (PackageBuilder.MissingCommit e) {
            return Optional.empty();
        } catch (PackageRules.Refused e) {
            throw new NotDeployable(id, e.getMessage());
        }
    }

    /** The command's canonical bytes (base64) and their signature, for the agent to check before it acts. */
    public record CommandGrant(String signedCommand, String signature) {
    }

    /** Signs what the agent relies on: the command as it goes out, and the manifest of the package it names. */
    public CommandGrant sign(String nodeId, long operationId, java.time.Instant issuedAt, String target, String restart,
                             SignedPackage p) {
        SignedCommand command = new SignedCommand(nodeId, operationId, issuedAt, target, restart,
                sha256(Base64.getDecoder().decode(p.manifest())));
        return new CommandGrant(Base64.getEncoder().encodeToString(command.canonicalBytes()), key.sign(command));
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String publicKeyBase64() {
        return key.publicKeyBase64();
    }

    public String publicKeyFingerprint() {
        return key.fingerprint();
    }

    private static String fingerprint(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
