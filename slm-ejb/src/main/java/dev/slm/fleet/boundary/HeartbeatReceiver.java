package dev.slm.fleet.boundary;

import dev.slm.fleet.entity.AgentState;
import dev.slm.fleet.entity.Node;
import dev.slm.source.boundary.SourceStore;
import dev.slm.source.boundary.SourceTracker;
import dev.slm.source.entity.Classification;
import dev.slm.source.entity.TrackedSource;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Takes an agent's heartbeat: stores what it reports and recomputes its code status against the latest commit,
 * under the shared status lock, so a concurrent change of the latest commit cannot leave a stale status behind.
 */
@Stateless
public class HeartbeatReceiver {

    @PersistenceContext
    EntityManager em;

    @Inject
    SourceTracker source;

    @Inject
    Settings settings;

    @Inject
    Clock clock;

    public record Report(String agentVersion, String codeVersion, String hostname, List<String> roles,
                         AgentState state, Long operationId) {
    }

    public record Reply(boolean updateAvailable, String latestVersion, Duration heartbeatInterval) {
    }

    /** The node must exist and be authenticated already. */
    public Reply receive(String nodeId, Report report) {
        // a heartbeat lost in a crash is repeated 30 s later: no need to wait for the WAL flush
        em.createNativeQuery("SET LOCAL synchronous_commit TO OFF").executeUpdate();
        em.createNativeQuery("SELECT pg_advisory_xact_lock_shared(?1)")
                .setParameter(1, SourceStore.STATUS_LOCK).getSingleResult();
        Node node = em.find(Node.class, nodeId);
        String latest = em.createQuery("SELECT s.latestCommit FROM TrackedSource s WHERE s.id = :id", String.class)
                .setParameter("id", TrackedSource.SINGLETON_ID)
                .getResultStream().findFirst().orElse(null);
        Classification c = source.mirror().classify(report.codeVersion(), latest);
        node.recordReport(report.agentVersion(), report.codeVersion(), report.hostname(), report.roles(),
                report.state(), report.operationId(), clock.instant());
        node.classify(c.status(), c.commitsBehind(), latest);
        boolean updateAvailable = latest != null && !latest.equals(report.codeVersion());
        return new Reply(updateAvailable, latest, settings.heartbeatInterval());
    }
}
