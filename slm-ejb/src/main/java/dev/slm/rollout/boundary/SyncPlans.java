package dev.slm.rollout.boundary;

import dev.slm.fleet.boundary.FleetStatus;
import dev.slm.fleet.boundary.PinReader;
import dev.slm.fleet.entity.DesiredCommits;
import dev.slm.fleet.entity.Node;
import dev.slm.rollout.entity.SyncStatus;
import dev.slm.source.entity.CodeStatus;
import dev.slm.source.entity.TrackedSource;
import jakarta.annotation.security.PermitAll;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a sync of some nodes would really do, before it is sent: the target commit and each node in one
 * {@link Part} — the preview of the web app's sync dialog, and the API's rule for what a fleet sync skips. The dialog
 * sends exactly {@link Plan#toSend}, so the number on its button is the number of operations asked for.
 * Reads only: open to every caller, as {@code NodeQueries}.
 */
@Stateless
@PermitAll
public class SyncPlans {

    /** Where a node stands for a sync, in the order the dialog lists them. */
    public enum Part {
        /** behind the branch: the sync moves it forward */
        OUTDATED(true),
        /** on a commit that is not an ancestor of the target: the sync moves it to the branch (a warning) */
        DIVERGED(true),
        /** online, on a commit the server does not know: the sync moves it to the branch */
        UNKNOWN(true),
        /** offline or never seen: its operation would wait for it; left out unless asked for */
        OFFLINE(false),
        /** an operation is in flight: a second one is refused, so it is not sent */
        BUSY(false),
        /** already on the target: nothing would change */
        UP_TO_DATE(false),
        /** not registered (removed since it was listed) */
        MISSING(false);

        private final boolean sent;

        Part(boolean sent) {
            this.sent = sent;
        }

        /** Sent without asking: the dialog's default. */
        public boolean sentByDefault() {
            return sent;
        }
    }

    /**
     * @param target  the commit a sync sends now (the branch's latest), with its subject and author; null before the
     *                first fetch
     * @param parts   every asked-for node in exactly one part, each list in the order asked
     */
    /**
     * @param pinnedElsewhere the asked nodes held at another commit by a role's or their own pin (db/V17), and that
     *        commit: a sync sends them their pin's commit, a rollout to {@code target} leaves them out
     */
    public record Plan(String target, String subject, String author, Map<Part, List<String>> parts,
                       Map<String, String> pinnedElsewhere) {

        public Plan(String target, String subject, String author, Map<Part, List<String>> parts) {
            this(target, subject, author, parts, Map.of());
        }

        public List<String> of(Part part) {
            return parts.getOrDefault(part, List.of());
        }

        /** The nodes a sync sends: the parts sent by default, and the offline ones when asked for. */
        public List<String> toSend(boolean includeOffline) {
            List<String> send = new ArrayList<>();
            for (Part p : Part.values()) {
                if (p.sentByDefault() || includeOffline && p == Part.OFFLINE) {
                    send.addAll(of(p));
                }
            }
            return send;
        }
    }

    /** PostgreSQL binds at most 32,767 parameters a statement; 1,000 ids a query stays far below. */
    private static final int CHUNK = 1000;

    @PersistenceContext
    EntityManager em;

    @Inject
    FleetStatus fleet;

    @Inject
    dev.slm.source.boundary.Mirror mirror;

    public Plan plan(Collection<String> nodeIds) {
        TrackedSource source = em.find(TrackedSource.class, TrackedSource.SINGLETON_ID);
        List<String> asked = List.copyOf(new LinkedHashSet<>(nodeIds));
        Map<String, Object[]> rows = new HashMap<>();
        Set<String> busy = new HashSet<>();
        for (int from = 0; from < asked.size(); from += CHUNK) {
            List<String> chunk = asked.subList(from, Math.min(asked.size(), from + CHUNK));
            em.createQuery("SELECT n.id, n.codeStatus, n.lastSeen, n.roles FROM Node n WHERE n.id IN :ids", Object[].class)
                    .setParameter("ids", chunk).getResultList().forEach(r -> rows.put((String) r[0], r));
            busy.addAll(em.createQuery("SELECT DISTINCT o.nodeId FROM SyncOperation o WHERE o.nodeId IN :ids"
                            + " AND o.status NOT IN :finals", String.class)
                    .setParameter("ids", chunk).setParameter("finals", SyncStatus.FINAL).getResultList());
        }
        Instant onlineSince = fleet.onlineSince();
        Map<Part, List<String>> parts = new EnumMap<>(Part.class);
        for (String id : asked) {
            parts.computeIfAbsent(part(rows.get(id), busy.contains(id), onlineSince), p -> new ArrayList<>()).add(id);
        }
        parts.replaceAll((p, ids) -> List.copyOf(ids));
        if (source == null) {
            return new Plan(null, null, null, parts);
        }
        Map<String, String> elsewhere = new java.util.TreeMap<>();
        DesiredCommits desired = PinReader.read(em);
        if (desired.anyPins()) {
            rows.forEach((id, row) -> {
                String own = desired.forNode(id, Node.roles((String) row[3]));
                if (own != null && !own.equals(source.desiredCommit())) {
                    elsewhere.put(id, own);
                }
            });
        }
        if (source.pinnedCommit() != null) { // the fleet is held at the pin: a sync sends it
            var pinned = mirror.commit(source.pinnedCommit());
            return new Plan(source.pinnedCommit(), pinned.map(c -> c.subject()).orElse("(pinned)"),
                    pinned.map(c -> c.author()).orElse(""), parts, elsewhere);
        }
        return new Plan(source.latestCommit(), source.latestSubject(), source.latestAuthor(), parts, elsewhere);
    }

    /** One node's part: missing, up to date, busy and offline come before what its status says. */
    static Part part(Object[] row, boolean busy, Instant onlineSince) {
        if (row == null) {
            return Part.MISSING;
        }
        CodeStatus status = row[1] == null ? CodeStatus.UNKNOWN : (CodeStatus) row[1];
        Instant lastSeen = (Instant) row[2];
        if (status == CodeStatus.UP_TO_DATE) {
            return Part.UP_TO_DATE;
        }
        if (busy) {
            return Part.BUSY;
        }
        if (!Node.isOnline(lastSeen, onlineSince)) {
            return Part.OFFLINE;
        }
        return switch (status) {
            case OUTDATED -> Part.OUTDATED;
            case DIVERGED -> Part.DIVERGED;
            default -> Part.UNKNOWN;
        };
    }
}
