package dev.slm.web.api;

import dev.slm.rollout.boundary.MaintenanceWindows;
import dev.slm.rollout.entity.MaintenanceWindow;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A maintenance window as the API shows it: its definition (what a PUT takes), who made and changed it, and whether it
 * is open now ({@code open_until}) or when it opens next ({@code next_opening}).
 */
public record WindowView(long windowId, String name, String kind, String cron, int duration, String zone,
                         boolean allNodes, List<String> nodeIds, List<String> roles, boolean enabled, boolean openNow,
                         Instant openUntil, Instant nextOpening, String createdBy, Instant createdAt, String updatedBy,
                         Instant updatedAt) {

    static WindowView of(MaintenanceWindow w, MaintenanceWindows.Now now) {
        return new WindowView(w.id(), w.name(), w.kind().name().toLowerCase(Locale.ROOT), w.cron(),
                (int) w.duration().toSeconds(), w.zone(), w.allNodes(), w.nodeIds(), w.roles(), w.enabled(),
                w.enabled() && now.open(), w.enabled() ? now.until() : null, w.enabled() ? now.next() : null,
                w.createdBy(), w.createdAt(), w.updatedBy(), w.updatedAt());
    }
}
