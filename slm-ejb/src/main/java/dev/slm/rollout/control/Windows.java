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

    /** Openings chained at most when telling when a window closes or finding its newest opening. */
    static final int CHAIN = 64;

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

        /**
         * When it closes, if it is open at {@code t}: the end of the span around t, spans that overlap or touch taken
         * as one. {@link Instant#MAX} when it does not close within {@link #CHAIN} openings (a per-minute cron open
         * for a week never does).
         * <p>
         * About 20 cron look-ups whatever the cron and the duration: the newest opening at or before t (only it decides
         * whether t is inside: it ends last), then the openings after t chained while each starts before the span
         * ends. A walk over every opening of the last duration took 0.2 s for a per-minute cron open for a week, at
         * every check of every node.
         */
        public Optional<Instant> openUntil(Instant t) {
            Optional<Instant> latest = latestStartAtOrBefore(t);
            if (latest.isEmpty() || !latest.get().plus(duration).isAfter(t)) {
                return Optional.empty();
            }
            Instant until = latest.get().plus(duration);
            Instant start = t;
            for (int i = 0; i < CHAIN; i++) {
                Optional<Instant> next = cron.nextAfter(start);
                if (next.isEmpty() || next.get().isAfter(until)) {
                    return Optional.of(until);
                }
                start = next.get();
                Instant end = start.plus(duration);
                until = end.isAfter(until) ? end : until;
            }
            return Optional.of(Instant.MAX);
        }

        /**
         * The newest opening in (t - duration, t], if any: a binary search for the latest second from which the next
         * opening is still at or before t (about 20 look-ups for a week; openings are on whole minutes).
         */
        private Optional<Instant> latestStartAtOrBefore(Instant t) {
            long lo = t.minus(duration).getEpochSecond();
            long hi = t.getEpochSecond();
            Optional<Instant> any = cron.nextAfter(Instant.ofEpochSecond(lo));
            if (any.isEmpty() || any.get().isAfter(t)) {
                return Optional.empty();
            }
            while (hi - lo > 1) { // an opening after lo is at or before t; none after hi is
                long mid = lo + (hi - lo) / 2;
                Optional<Instant> next = cron.nextAfter(Instant.ofEpochSecond(mid));
                if (next.isPresent() && !next.get().isAfter(t)) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return cron.nextAfter(Instant.ofEpochSecond(lo));
        }

        /** When it next opens after {@code t} (it may be open at t already). */
        public Optional<Instant> nextOpening(Instant t) {
            return cron.nextAfter(t);
        }

        /** The next opening in the window's zone, for messages ({@link Instant#MAX}: no end in sight). */
        public String shown(Instant t) {
            if (t.equals(Instant.MAX)) {
                return "further notice (its openings overlap)";
            }
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
    /** Each window's state at {@code now}, worked out once: a schedule of 10,000 nodes asks 10,000 times. */
    private final java.util.Map<Long, Optional<Instant>> openUntil = new java.util.HashMap<>();
    private final java.util.Map<Long, Optional<Instant>> nextOpening = new java.util.HashMap<>();

    private Optional<Instant> openUntil(Window w) {
        return openUntil.computeIfAbsent(w.id(), id -> w.openUntil(now));
    }

    private Optional<Instant> nextOpening(Window w) {
        return nextOpening.computeIfAbsent(w.id(), id -> w.nextOpening(now));
    }

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
                Optional<Instant> until = openUntil(w);
                if (until.isPresent() && (denyUntil == null || until.get().isAfter(denyUntil))) {
                    deny = w;
                    denyUntil = until.get();
                }
            }
        }
        if (deny != null) {
            return new Verdict(false, deny, denyUntil.equals(Instant.MAX) ? null : denyUntil, nodeId + " is in the deny window '" + deny.name() + "' until "
                    + deny.shown(denyUntil));
        }
        List<Window> allows = covering.stream().filter(w -> w.kind() == MaintenanceWindow.Kind.ALLOW).toList();
        if (allows.isEmpty() || allows.stream().anyMatch(w -> openUntil(w).isPresent())) {
            return Verdict.FREE;
        }
        record Next(Window window, Instant at) {
        }
        Optional<Next> next = allows.stream().flatMap(w -> nextOpening(w).map(t -> new Next(w, t)).stream())
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
