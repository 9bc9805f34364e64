package dev.slm.web.ui;

import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import dev.slm.rollout.entity.SyncStatus;

/**
 * A sync operation's status as a badge told apart by icon, text and colour: only a success is green; FAILED,
 * ROLLED_BACK, TIMED_OUT (and ROLLING_BACK on the way there) are red, each with its own icon; PENDING, the stages in
 * progress and CANCELLED are neutral.
 */
public final class OperationBadge {

    private OperationBadge() {
    }

    public static String text(SyncStatus status, boolean late) {
        return switch (status) {
            case PENDING -> "Pending";
            case SENT -> "Sent";
            case DOWNLOADING -> "Downloading";
            case APPLYING -> "Applying";
            case RESTARTING -> "Restarting";
            case HEALTH_CHECK -> "Health check";
            case ROLLING_BACK -> "Rolling back";
            case SUCCEEDED -> late ? "Succeeded (late)" : "Succeeded";
            case FAILED -> "Failed";
            case ROLLED_BACK -> "Rolled back";
            case TIMED_OUT -> "Timed out";
            case CANCELLED -> "Cancelled";
        };
    }

    public static VaadinIcon icon(SyncStatus status) {
        return switch (status) {
            case PENDING -> VaadinIcon.HOURGLASS;
            case SENT -> VaadinIcon.PAPERPLANE;
            case DOWNLOADING -> VaadinIcon.DOWNLOAD;
            case APPLYING -> VaadinIcon.COG;
            case RESTARTING -> VaadinIcon.REFRESH;
            case HEALTH_CHECK -> VaadinIcon.STETHOSCOPE;
            case ROLLING_BACK -> VaadinIcon.ARROW_BACKWARD;
            case SUCCEEDED -> VaadinIcon.CHECK_CIRCLE;
            case FAILED -> VaadinIcon.CLOSE_CIRCLE;
            case ROLLED_BACK -> VaadinIcon.REPLY;
            case TIMED_OUT -> VaadinIcon.CLOCK;
            case CANCELLED -> VaadinIcon.BAN;
        };
    }

    /** The Lumo badge theme. */
    public static String theme(SyncStatus status) {
        return switch (status) {
            case SUCCEEDED -> "badge success";
            case FAILED, ROLLED_BACK, TIMED_OUT, ROLLING_BACK -> "badge error";
            case PENDING, CANCELLED -> "badge contrast";
            case SENT, DOWNLOADING, APPLYING, RESTARTING, HEALTH_CHECK -> "badge";
        };
    }

    public static Span of(SyncStatus status, boolean late) {
        Span badge = new Span(icon(status).create(), new Span(text(status, late)));
        badge.getElement().getThemeList().add(theme(status));
        badge.getElement().setAttribute("data-status", status.name());
        badge.addClassName("operation-badge");
        return badge;
    }
}
