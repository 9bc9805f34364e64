package dev.slm.source.entity;

import dev.slm.platform.ServerSettings;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The one git repository the server follows, and what the last fetch learned from it. */
@Entity
@Table(name = "tracked_source")
public class TrackedSource {

    public static final int SINGLETON_ID = 1;

    @Id
    private Integer id = SINGLETON_ID;

    @Column(name = "git_url", nullable = false)
    private String gitUrl;

    @Column(nullable = false)
    private String branch;

    @Column(nullable = false)
    private String path = "";

    @Column(name = "latest_commit")
    private String latestCommit;

    @Column(name = "latest_subject")
    private String latestSubject;

    @Column(name = "latest_author")
    private String latestAuthor;

    @Column(name = "latest_committed_at")
    private Instant latestCommittedAt;

    @Column(name = "fetched_at")
    private Instant fetchedAt;

    @Column(name = "last_attempt_at")
    private Instant lastAttemptAt;

    @Column(name = "last_error")
    private String lastError;

    @Column(name = "last_hook_at")
    private Instant lastHookAt;

    @Column(name = "last_hook_result")
    private String lastHookResult;

    /** The commit the fleet is pinned to (db/V14), if any: nodes are measured against it instead of the tip. */
    @Column(name = "pinned_commit")
    private String pinnedCommit;

    @Column(name = "pinned_by")
    private String pinnedBy;

    @Column(name = "pinned_at")
    private Instant pinnedAt;

    @Column(name = "pin_reason")
    private String pinReason;

    protected TrackedSource() {
    }

    public TrackedSource(String gitUrl, String branch, String path) {
        follow(gitUrl, branch, path);
    }

    /**
     * @return whether nodes now get another subdirectory ({@code /app/} and {@code app} are the same one): the
     *         statuses stored were computed for the one before, against what may still be the latest commit
     */
    public final boolean follow(String gitUrl, String branch, String path) {
        if (!gitUrl.equals(this.gitUrl) || !branch.equals(this.branch)) {
            unpin(); // a commit of another repository or branch is no place to hold the fleet
        }
        boolean otherPath = !ServerSettings.normaliseGitPath(this.path).equals(ServerSettings.normaliseGitPath(path));
        this.gitUrl = gitUrl;
        this.branch = branch;
        this.path = path == null ? "" : path;
        return otherPath;
    }

    public void recordSuccess(CommitInfo latest, Instant at) {
        this.latestCommit = latest.id();
        this.latestSubject = truncate(latest.subject(), 1024);
        this.latestAuthor = truncate(latest.author(), 255);
        this.latestCommittedAt = latest.committedAt();
        this.fetchedAt = at;
        this.lastAttemptAt = at;
        this.lastError = null;
    }

    /** The last push webhook, and what was made of it ("accepted: …", "ignored: …", "refused: …"). */
    public void recordHook(String result, Instant at) {
        this.lastHookAt = at;
        this.lastHookResult = truncate(result, 300);
    }

    /** Keeps the last known state; only the error and the attempt time change. */
    public void recordFailure(String error, Instant at) {
        this.lastAttemptAt = at;
        this.lastError = truncate(error, 4096);
    }

    public void pin(String commit, String by, String reason, Instant at) {
        this.pinnedCommit = commit;
        this.pinnedBy = by;
        this.pinReason = truncate(reason, 1024);
        this.pinnedAt = at;
    }

    public void unpin() {
        this.pinnedCommit = null;
        this.pinnedBy = null;
        this.pinReason = null;
        this.pinnedAt = null;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    public String gitUrl() { return gitUrl; }
    public String branch() { return branch; }
    public String path() { return path; }
    public String latestCommit() { return latestCommit; }
    public String latestSubject() { return latestSubject; }
    public String latestAuthor() { return latestAuthor; }
    public Instant latestCommittedAt() { return latestCommittedAt; }
    public Instant fetchedAt() { return fetchedAt; }
    public Instant lastAttemptAt() { return lastAttemptAt; }
    public String lastError() { return lastError; }
    public Instant lastHookAt() { return lastHookAt; }
    public String lastHookResult() { return lastHookResult; }
    public String pinnedCommit() { return pinnedCommit; }
    public String pinnedBy() { return pinnedBy; }
    public Instant pinnedAt() { return pinnedAt; }
    public String pinReason() { return pinReason; }

    /** What nodes are measured against and a sync sends by default: the pinned commit, or else the branch tip. */
    public String desiredCommit() {
        return pinnedCommit != null ? pinnedCommit : latestCommit;
    }
}
