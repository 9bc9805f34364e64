package dev.slm.rollout.boundary;

import dev.slm.access.entity.Role;
import dev.slm.fleet.entity.Node;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import dev.slm.rollout.control.ConfigNames;
import dev.slm.rollout.control.CronSchedule;
import dev.slm.rollout.control.Targets;
import dev.slm.rollout.control.WindowRules;
import dev.slm.rollout.control.Windows;
import dev.slm.rollout.entity.ConfigChange;
import dev.slm.rollout.entity.MaintenanceWindow;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Maintenance windows: created, changed, enabled, disabled and deleted by operators (each change in the audit with
 * the definition before and after), asked by the sync path ({@code SyncRequests}), the scheduler and the rollouts'
 * batch boundaries through {@link WindowRules}. docs/schedules.md.
 */
@Stateless
@RolesAllowed(Role.Names.OPERATOR)
public class MaintenanceWindows {

    public static final int MIN_DURATION_S = 60;
    public static final int MAX_DURATION_S = 7 * 86_400;
    /** Every sync asks each enabled window (about 20 cron look-ups each, once per request): a bounded number. */
    public static final int MAX_WINDOWS = 100;

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    WindowRules rules;

    /** What an operator defines; {@code kind} "allow" or "deny"; null {@code enabled} is true. */
    public record Definition(String name, String kind, String cron, Integer durationS, String zone, boolean allNodes,
                             List<String> nodeIds, List<String> roles, Boolean enabled) {
    }

    /** @throws InvalidInput naming the field; Conflict when another window has the name */
    public MaintenanceWindow create(Definition d, String by) {
        Checked c = check(d);
        requireFreeName(c.name(), null);
        if (em.createQuery("SELECT COUNT(w) FROM MaintenanceWindow w", Long.class).getSingleResult() >= MAX_WINDOWS) {
            throw new Conflict("there are " + MAX_WINDOWS + " maintenance windows already, the most there may be: delete one"
                    + " first");
        }
        Instant now = clock.instant();
        MaintenanceWindow w = new MaintenanceWindow(by, now);
        define(w, d, c, by, now);
        em.persist(w);
        em.flush();
        audit(w, "created", by, null, now);
        return w;
    }

    public MaintenanceWindow update(long id, Definition d, String by) {
        MaintenanceWindow w = locked(id);
        Checked c = check(d);
        requireFreeName(c.name(), id);
        String before = json(w);
        Instant now = clock.instant();
        define(w, d, c, by, now);
        em.flush();
        audit(w, "changed", by, before, now);
        return w;
    }

    public MaintenanceWindow enable(long id, boolean enabled, String by) {
        MaintenanceWindow w = locked(id);
        if (w.enabled() == enabled) {
            return w;
        }
        String before = json(w);
        Instant now = clock.instant();
        w.define(w.name(), w.kind(), w.cron(), w.duration(), w.zone(), w.allNodes(), w.nodeIds(), w.roles(), enabled, by, now);
        em.flush();
        audit(w, enabled ? "enabled" : "disabled", by, before, now);
        return w;
    }

    public void delete(long id, String by) {
        MaintenanceWindow w = locked(id);
        audit(w, "deleted", by, json(w), clock.instant());
        em.remove(w);
    }

    @PermitAll
    public List<MaintenanceWindow> all() {
        return em.createQuery("SELECT w FROM MaintenanceWindow w ORDER BY lower(w.name), w.id", MaintenanceWindow.class)
                .getResultList();
    }

    @PermitAll
    public Optional<MaintenanceWindow> find(long id) {
        return Optional.ofNullable(em.find(MaintenanceWindow.class, id));
    }

    /** A window's cron in words, as its form shows it. @throws InvalidInput saying what is wrong with cron or zone */
    @PermitAll
    public String describe(String cron, String zone) {
        try {
            return CronSchedule.parse(cron, zone).describe();
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(e.getMessage());
        }
    }

    /** The newest changes to windows, newest first. */
    @PermitAll
    public List<ConfigChange> changes(int limit) {
        return Schedules.changes("window", limit, em);
    }

    /** Whether the window is open now: until when, or when it opens next (either may be null). */
    public record Now(boolean open, Instant until, Instant next) {
    }

    @PermitAll
    public Now now(MaintenanceWindow w) {
        Windows.Window parsed = Windows.Window.of(w);
        Instant now = clock.instant();
        Optional<Instant> until = parsed.openUntil(now);
        // Instant.MAX: its openings overlap, it does not close (null on the wire, "open" in words)
        return new Now(until.isPresent(), until.filter(u -> !u.equals(Instant.MAX)).orElse(null),
                parsed.nextOpening(now).orElse(null));
    }

    /**
     * The enabled windows' coverage now, for the node list's "in window now" ({@code inside}) or "outside its window"
     * filter: the open deny windows, all allow windows and the open ones, each as one union.
     */
    @PermitAll
    public dev.slm.fleet.boundary.NodeQueries.InWindow inWindowNow(boolean inside) {
        Instant now = clock.instant();
        List<MaintenanceWindow> enabled = all().stream().filter(MaintenanceWindow::enabled).toList();
        List<MaintenanceWindow> open = enabled.stream().filter(w -> Windows.Window.of(w).openUntil(now).isPresent()).toList();
        return new dev.slm.fleet.boundary.NodeQueries.InWindow(inside,
                cover(open.stream().filter(w -> w.kind() == MaintenanceWindow.Kind.DENY).toList()),
                cover(enabled.stream().filter(w -> w.kind() == MaintenanceWindow.Kind.ALLOW).toList()),
                cover(open.stream().filter(w -> w.kind() == MaintenanceWindow.Kind.ALLOW).toList()));
    }

    private static dev.slm.fleet.boundary.NodeQueries.Cover cover(List<MaintenanceWindow> windows) {
        Set<String> ids = new HashSet<>();
        Set<String> roles = new HashSet<>();
        windows.forEach(w -> {
            ids.addAll(w.nodeIds());
            roles.addAll(w.roles());
        });
        return new dev.slm.fleet.boundary.NodeQueries.Cover(windows.stream().anyMatch(MaintenanceWindow::allNodes), ids, roles);
    }

    /** What the node page says: may the node be synced now, and if not, which window and from when. */
    public record ForNode(boolean allowed, boolean covered, String text) {
    }

    @PermitAll
    public ForNode forNode(String nodeId) {
        Node node = em.find(Node.class, nodeId);
        if (node == null) {
            throw new NotFound("no node '" + nodeId + "' is registered");
        }
        Windows windows = rules.now();
        List<Windows.Window> covering = windows.covering(nodeId, node.roles());
        if (covering.isEmpty()) {
            return new ForNode(true, false, "No maintenance window covers it: it may be synced any time.");
        }
        Windows.Verdict v = windows.check(nodeId, node.roles());
        if (v.allowed()) {
            Optional<String> open = covering.stream().filter(w -> w.kind() == MaintenanceWindow.Kind.ALLOW)
                    .flatMap(w -> w.openUntil(windows.now()).map(t -> "inside the window '" + w.name() + "' until "
                            + w.shown(t)).stream()).findFirst();
            return new ForNode(true, true, open.map(s -> "May be synced now: " + s + ".")
                    .orElse("May be synced now (only deny windows cover it, none is open)."));
        }
        return new ForNode(false, true, "Not now: " + v.reason() + ".");
    }

    private record Checked(String name, MaintenanceWindow.Kind kind, CronSchedule cron, Duration duration) {
    }

    private static void define(MaintenanceWindow w, Definition d, Checked c, String by, Instant now) {
        w.define(c.name(), c.kind(), c.cron().expression(), c.duration(), c.cron().zone().getId(), d.allNodes(),
                d.nodeIds() == null ? List.of() : d.nodeIds().stream().distinct().toList(),
                d.roles() == null ? List.of() : d.roles().stream().map(String::strip).distinct().toList(),
                d.enabled() == null || d.enabled(), by, now);
    }

    private Checked check(Definition d) {
        String name = ConfigNames.checked(d.name());
        if (d.kind() == null || !(d.kind().equals("allow") || d.kind().equals("deny"))) {
            throw new InvalidInput("kind must be allow or deny");
        }
        CronSchedule cron;
        try {
            cron = CronSchedule.parse(d.cron(), d.zone());
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(e.getMessage());
        }
        if (d.durationS() == null || d.durationS() < MIN_DURATION_S || d.durationS() > MAX_DURATION_S) {
            throw new InvalidInput("duration must be between " + MIN_DURATION_S + " and " + MAX_DURATION_S
                    + " seconds (a minute to a week)");
        }
        List<String> ids = d.nodeIds() == null ? List.of() : d.nodeIds();
        List<String> roles = d.roles() == null ? List.of() : d.roles();
        if (!d.allNodes() && ids.isEmpty() && roles.isEmpty()) {
            throw new InvalidInput("targets: name the nodes in node_ids or roles, or set all_nodes to true");
        }
        Targets.check(em, ids, roles);
        return new Checked(name, MaintenanceWindow.Kind.valueOf(d.kind().toUpperCase(Locale.ROOT)), cron,
                Duration.ofSeconds(d.durationS()));
    }

    private void requireFreeName(String name, Long self) {
        ConfigNames.requireFree(em, "MaintenanceWindow", "maintenance window", name, self);
    }

    private MaintenanceWindow locked(long id) {
        MaintenanceWindow w = em.find(MaintenanceWindow.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (w == null) {
            throw new NotFound("no maintenance window " + id);
        }
        return w;
    }

    private void audit(MaintenanceWindow w, String action, String by, String before, Instant now) {
        em.persist(new ConfigChange("window", w.id(), w.name(), action, by, now, before,
                action.equals("deleted") ? null : json(w)));
    }

    static String json(MaintenanceWindow w) {
        JsonArrayBuilder ids = Json.createArrayBuilder();
        w.nodeIds().forEach(ids::add);
        JsonArrayBuilder roles = Json.createArrayBuilder();
        w.roles().forEach(roles::add);
        return Json.createObjectBuilder().add("name", w.name()).add("kind", w.kind().name().toLowerCase(Locale.ROOT))
                .add("cron", w.cron()).add("duration", (int) w.duration().toSeconds()).add("zone", w.zone())
                .add("all_nodes", w.allNodes()).add("node_ids", ids).add("roles", roles).add("enabled", w.enabled())
                .build().toString();
    }
}
