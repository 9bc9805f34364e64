package dev.slm.source.boundary;

import dev.slm.source.entity.CommitInfo;
import dev.slm.source.entity.LatestCommitChanged;
import dev.slm.source.entity.TrackedSource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * The tracked source's row: what the server follows and the results of fetches (who may fetch: FetchLock).
 * Each method is its own transaction, so a long fetch never holds a database transaction open.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class SourceStore {

    /** Heartbeats take this advisory lock shared, a change of the latest commit takes it exclusive. */
    public static final long STATUS_LOCK = 0x534C4D0001L;

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<LatestCommitChanged> latestChanged;

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
            source.follow(url, branch, path);
        }
        return source;
    }

    /**
     * Stores a successful fetch. When the latest commit changes, every node's status is recomputed in this same
     * transaction (observers of {@link LatestCommitChanged}), under the exclusive status lock.
     */
    public void recordSuccess(CommitInfo latest) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(?1)").setParameter(1, STATUS_LOCK).getSingleResult();
        TrackedSource source = em.find(TrackedSource.class, TrackedSource.SINGLETON_ID);
        String previous = source.latestCommit();
        source.recordSuccess(latest, clock.instant());
        if (!Objects.equals(previous, latest.id())) {
            em.flush();
            latestChanged.fire(new LatestCommitChanged(previous, latest.id()));
        }
    }

    public void recordFailure(String error) {
        em.find(TrackedSource.class, TrackedSource.SINGLETON_ID).recordFailure(error, clock.instant());
    }
}
