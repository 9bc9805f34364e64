package dev.slm.rollout.control;

import dev.slm.rollout.entity.MaintenanceWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The enabled maintenance windows at one moment, read once and asked about many nodes (a schedule of 10,000 nodes
 * asks 10,000 times): whether a node may be synced now and, when not, which window says no and when it may be.
 * <p>
 * A window is open from each time of its cron for its duration. A node covered by an open DENY window may not be
 * synced (until the last such window closes). Otherwise, a node covered by ALLOW windows may be synced only while one
 * of them is open; a node no allow window covers may be synced any time.
 */
public final class Windows {

    /** A window with its targets as sets and its cron parsed. */
    public record Window(long id, String name, MaintenanceWindow.Kind kind, CronSchedule cron, Duration duration,
                         boolean allNodes, Set<String> nodeIds, Set<String> roles) {

        public static Window of(MaintenanceWindow w) {
            return new Window(w.id(), w.name(), w.kind(), CronSchedule.parse(w.cron(), w.zone()), w.duration(),
                    w.allNodes(), Set.copyOf(w.nodeIds()), Set.copyOf(w.roles()));
        }

        boolean covers(String nodeId, List<String> nodeRoles) {
            return allNodes || nodeIds.contains(nodeId) || nodeRoles.stream().map(String::strip).anyMatch(roles::contains);
        }

        /** When it closes, if it is open at {@code t}: the last of its open spans that contain t. */
        public Optional<Instant> openUntil(Instant t) {
            Instant until = null;
            // every start in (t - duration, t]; 10,000 at most (a per-minute cron open for a week has 10,080)
            Instant start = cron.nextAfter(t.minus(duration)).orElse(null);
            for (int i = 0; start != null && !start.isAfter(t) && i < 10_000; i++) {
                Instant end = start.plus(duration);
                until = until == null || end.isAfter(until) ? end : until;
                start = cron.nextAfter(start).orElse(null);
            }
            return Optional.ofNullable(until);
        }

        /** When it next opens after {@code t} (it may be open at t already). */
        public Optional<Instant> nextOpening(Instant t) {
            return cron.nextAfter(t);
        }

        /** The next opening in the window's zone, for messages. */
        public String shown(Instant t) {
            ZonedDateTime z = t.atZone(cron.zone());
            return z.toOffsetDateTime().toString() + " (" + cron.zone().getId() + ")";
        }
    }

    /** A node may be synced now, or why not and from when ({@code from} null: no window ahead allows it). */
    public record Verdict(boolean allowed, Window window, Instant from, String reason) {
        static final Verdict FREE = new Verdict(true, null, null, null);
    }

    private final List<Window> windows;
    private final Instant now;

    public Windows(List<Window> windows, Instant now) {
        this.windows = List.copyOf(windows);
        this.now = now;
    }

    public boolean none() {
        return windows.isEmpty();
    }

    public Instant now() {
        return now;
    }

    public Verdict check(String nodeId, List<String> roles) {
        if (windows.isEmpty()) {
            return Verdict.FREE;
        }
        List<Window> covering = windows.stream().filter(w -> w.covers(nodeId, roles)).toList();
        Window deny = null;
        Instant denyUntil = null;
        for (Window w : covering) {
            if (w.kind() == MaintenanceWindow.Kind.DENY) {
                Optional<Instant> until = w.openUntil(now);
                if (until.isPresent() && (denyUntil == null || until.get().isAfter(denyUntil))) {
                    deny = w;
                    denyUntil = until.get();
                }
            }
        }
        if (deny != null) {
            return new Verdict(false, deny, denyUntil, nodeId + " is in the deny window '" + deny.name() + "' until "
                    + deny.shown(denyUntil));
        }
        List<Window> allows = covering.stream().filter(w -> w.kind() == MaintenanceWindow.Kind.ALLOW).toList();
        if (allows.isEmpty() || allows.stream().anyMatch(w -> w.openUntil(now).isPresent())) {
            return Verdict.FREE;
        }
        record Next(Window window, Instant at) {
        }
        Optional<Next> next = allows.stream().flatMap(w -> w.nextOpening(now).map(t -> new Next(w, t)).stream())
                .min(Comparator.comparing(Next::at));
        if (next.isEmpty()) {
            Window w = allows.get(0);
            return new Verdict(false, w, null, nodeId + " is outside its maintenance window '" + w.name()
                    + "', which opens no more");
        }
        return new Verdict(false, next.get().window(), next.get().at(), nodeId + " is outside its maintenance window '"
                + next.get().window().name() + "' (opens " + next.get().window().shown(next.get().at()) + ")");
    }

    /** Every window's spans ahead are what the node page shows: the next time the node may be synced. */
    public List<Window> covering(String nodeId, List<String> roles) {
        List<Window> out = new ArrayList<>();
        windows.stream().filter(w -> w.covers(nodeId, roles)).forEach(out::add);
        return out;
    }
}
