package dev.slm.source.boundary;

import dev.slm.platform.SlmConfig;
import dev.slm.source.control.DemoRepository;
import dev.slm.source.control.GitMirror;
import dev.slm.source.entity.Classification;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** This server instance's mirror of the tracked repository, in {@code <data dir>/mirror.git}. */
@ApplicationScoped
public class Mirror {

    @Inject
    SlmConfig config;

    private GitMirror mirror;

    @PostConstruct
    void open() {
        mirror = new GitMirror(config.dataDir().resolve("mirror.git"), trackedPath(config));
    }

    /** The subdirectory nodes get: SLM_GIT_PATH, or the demo repository's when no SLM_GIT_URL is configured. */
    static String trackedPath(SlmConfig config) {
        return config.gitUrl().isPresent() ? config.gitPath() : DemoRepository.PATH;
    }

    /** The mirror itself: for the source feature only (fetching); others use the methods below. */
    public GitMirror get() {
        return mirror;
    }

    /** The repository, to read commits and trees from (packages are built from it). */
    public org.eclipse.jgit.lib.Repository repository() {
        return mirror.repository();
    }

    /** Every distinct reported commit classified against {@code latest}, in one walk (GitMirror#classifyAll). */
    public java.util.Map<String, Classification> classifyAll(java.util.Collection<String> reported, String latest) {
        return mirror.classifyAll(reported, latest);
    }

    /**
     * Where {@code reported} stands against {@code latest}: its status and the commits it lacks. Only what nodes get
     * counts: a commit with the latest's subdirectory is UP_TO_DATE, and only commits that change it are behind.
     */
    public Classification classify(String reported, String latest) {
        return mirror.classify(reported, latest);
    }

    /** A commit of the mirror by its full id (its subject and author, for the web app), if the mirror has it. */
    public java.util.Optional<dev.slm.source.entity.CommitInfo> commit(String id) {
        return mirror.commit(id);
    }

    /** The newest commits of the branch from {@code latest}, along first parents, at most {@code limit}. */
    public java.util.List<dev.slm.source.entity.CommitInfo> recent(String latest, int limit) {
        return mirror.recent(latest, limit);
    }

    /**
     * {@code commit} when it is a commit of the tracked branch: the tip or one of its ancestors (a rollback, a chosen
     * release, a pin). Another branch's commit, or one the mirror lacks, would leave a node outside the history the
     * fleet is measured against.
     *
     * @param field the request's name for it, for the message
     * @throws dev.slm.platform.InvalidInput for a malformed id or a commit off the branch
     */
    public String onBranch(String commit, String field, dev.slm.source.entity.TrackedSource source) {
        if (commit == null || !dev.slm.source.entity.CommitInfo.ID.matcher(commit).matches()) {
            throw new dev.slm.platform.InvalidInput(field + " must be a full commit id (40 lower-case hex digits)");
        }
        dev.slm.source.entity.CodeStatus where = classify(commit, source.latestCommit()).status();
        if (where != dev.slm.source.entity.CodeStatus.UP_TO_DATE && where != dev.slm.source.entity.CodeStatus.OUTDATED) {
            throw new dev.slm.platform.InvalidInput(field + " " + commit + " is not a commit of the tracked branch "
                    + source.branch() + (where == dev.slm.source.entity.CodeStatus.UNKNOWN
                    ? " (the server's mirror does not have it)" : ""));
        }
        return commit;
    }

    @PreDestroy
    void close() {
        mirror.close();
    }
}
