package dev.slm.packages.boundary;

import dev.slm.packages.control.PackageBuilder;
import dev.slm.source.boundary.Mirror;
import dev.slm.source.entity.LatestCommitChanged;
import dev.slm.source.boundary.SourceStore;
import dev.slm.source.entity.TrackedSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether the tracked source's latest commit can be deployed at all ({@link dev.slm.packages.control.PackageRules}),
 * asked by every sync (through {@code SyncOperations}), the status API and the Updates page. The verdict on a commit,
 * branch and path never changes, so it is computed once (a walk of the trees and the symlinks' targets: no file's
 * content is read, nothing is built) and kept in memory; a new latest commit is checked as soon as it is stored,
 * before anyone asks. Concurrent askers of the same commit wait for the one walk.
 */
@ApplicationScoped
public class Deployability {

    private static final Logger LOG = Logger.getLogger(Deployability.class.getName());
    /** Verdicts are a few hundred bytes; only the latest commit is asked for in practice. */
    private static final int KEPT = 64;

    @Inject
    Mirror mirror;

    @Inject
    SourceStore sources;

    private final Map<String, CompletableFuture<Verdict>> verdicts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<Verdict>> eldest) {
            return size() > KEPT;
        }
    };

    /**
     * @param deployable null when it cannot be told (this server's mirror lacks the commit, or cannot read it):
     *                   the sync goes ahead, as it did before the rule, and the package request will say why it fails
     */
    public record Verdict(String commit, Boolean deployable, String reason) {
        public boolean refused() {
            return Boolean.FALSE.equals(deployable);
        }
    }

    /** The verdict on the source's latest commit; empty before the first fetch. */
    public Optional<Verdict> ofLatest(TrackedSource source) {
        return source.latestCommit() == null ? Optional.empty()
                : Optional.of(of(source.latestCommit(), source.branch(), source.path()));
    }

    /** @throws NotDeployable when no agent could install the commit */
    public void require(String commit, TrackedSource source) {
        Verdict v = of(commit, source.branch(), source.path());
        if (v.refused()) {
            throw new NotDeployable(commit, v.reason());
        }
    }

    void onLatestStored(@Observes(during = TransactionPhase.AFTER_SUCCESS) LatestCommitChanged change) {
        sources.current().ifPresent(s -> {
            Verdict v = of(change.latest(), s.branch(), s.path());
            if (v.refused()) {
                LOG.warning(() -> "commit " + change.latest() + " is not deployable: " + v.reason());
            }
        });
    }

    private Verdict of(String commit, String branch, String path) {
        String key = commit + "\n" + branch + "\n" + path;
        CompletableFuture<Verdict> mine = new CompletableFuture<>();
        CompletableFuture<Verdict> known;
        synchronized (verdicts) {
            known = verdicts.putIfAbsent(key, mine);
        }
        if (known != null) {
            return join(known, commit);
        }
        Verdict v;
        try {
            Optional<String> refusal = PackageBuilder.refusal(mirror.repository(), commit, branch, path);
            v = new Verdict(commit, refusal.isEmpty(), refusal.orElse(null));
        } catch (IOException | RuntimeException e) {
            LOG.log(e instanceof PackageBuilder.MissingCommit ? Level.FINE : Level.WARNING,
                    "cannot tell whether commit " + commit + " is deployable", e);
            v = new Verdict(commit, null, null);
            synchronized (verdicts) {
                verdicts.remove(key, mine); // asked again next time: the mirror may have it then
            }
        }
        mine.complete(v);
        return v;
    }

    private static Verdict join(CompletableFuture<Verdict> f, String commit) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Verdict(commit, null, null);
        } catch (ExecutionException e) {
            return new Verdict(commit, null, null);
        }
    }
}
