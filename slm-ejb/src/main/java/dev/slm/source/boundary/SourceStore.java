package dev.slm.source.boundary;

import dev.slm.source.entity.CommitInfo;
import dev.slm.source.entity.TrackedSource;
import jakarta.annotation.security.PermitAll;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.Optional;

/**
 * The tracked source's row: what the server follows and the results of fetches (who may fetch: FetchLock).
 * Each method is its own transaction, so a long fetch never holds a database transaction open.
 * Open to every caller: its writers are {@link SourceTracker}'s start and fetch timer, which run without a caller
 * (an operator's refresh goes through {@link SourceTracker#refresh}, which checks the role).
 */
@Stateless
@PermitAll
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class SourceStore {

    /** Heartbeats take this advisory lock shared, a change of the latest commit takes it exclusive. */
    public static final long STATUS_LOCK = 0x534C4D0001L;

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    public Optional<TrackedSource> current() {
        return Optional.ofNullable(em.find(TrackedSource.class, TrackedSource.SINGLETON_ID));
    }

    /** Creates the row or points it at a newly configured repository; the last known state is kept either way. */
    public TrackedSource follow(String url, String branch, String path) {
        TrackedSource source = em.find(TrackedSource.class, TrackedSource.SINGLETON_ID);
        if (source == null) {
            source = new TrackedSource(url, branch, path);
            em.persist(source);
        } else {
            boolean otherRepository = !url.equals(source.gitUrl()) || !branch.equals(source.branch());
            boolean otherPath = source.follow(url, branch, path);
            if (otherRepository) {
                // as the fleet's pin (TrackedSource.follow): a commit of another repository or branch holds no node
                em.createNativeQuery("DELETE FROM commit_pin").executeUpdate();
            }
            if (!otherPath) {
                return source;
            }
            // statuses depend on the subdirectory (issue 12), and only those not computed against the latest commit
            // are computed again: without this, a corrected SLM_GIT_PATH left every status as it was until a new commit
            em.createNativeQuery("UPDATE node SET status_basis = NULL").executeUpdate();
        }
        return source;
    }

    /**
     * Stores a successful fetch, under the exclusive status lock: a heartbeat batch that classified its reports
     * against the previous latest commit sees the new one once it has the lock, and classifies them again. Nodes'
     * stored statuses follow in transactions of their own ({@code CodeStatusRecalculation}).
     *
     * @return the latest commit before this one (null before the first fetch)
     */
    public String recordSuccess(CommitInfo latest) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(?1)").setParameter(1, STATUS_LOCK).getSingleResult();
        TrackedSource source = em.find(TrackedSource.class, TrackedSource.SINGLETON_ID);
        String previous = source.latestCommit();
        source.recordSuccess(latest, clock.instant());
        return previous;
    }

    /**
     * Pins the fleet to {@code commit} (null: unpins), under the exclusive status lock as a new tip is stored: a
     * heartbeat batch classified against the desired commit before sees the new one and classifies again.
     *
     * @return the desired commit before
     */
    public String pin(String commit, String by, String reason) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(?1)").setParameter(1, STATUS_LOCK).getSingleResult();
        TrackedSource source = em.find(TrackedSource.class, TrackedSource.SINGLETON_ID);
        String previous = source.desiredCommit();
        if (commit == null) {
            source.unpin();
        } else {
            source.pin(commit, by, reason, clock.instant());
        }
        return previous;
    }

    /** Records a push webhook's delivery and what was made of it. */
    public void recordHook(String result) {
        TrackedSource source = em.find(TrackedSource.class, TrackedSource.SINGLETON_ID);
        if (source != null) {
            source.recordHook(result, clock.instant());
        }
    }

    public void recordFailure(String error) {
        em.find(TrackedSource.class, TrackedSource.SINGLETON_ID).recordFailure(error, clock.instant());
    }
}
