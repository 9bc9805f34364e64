package dev.slm.web.ui;

import java.util.Locale;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.progressbar.ProgressBar;
import dev.slm.rollout.entity.SyncOperation;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Sync operations in a grid: node, status with progress, commits, who, when it started and ended, the last message.
 */
public final class OperationsGrid {

    /** How the web app writes an instant. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private OperationsGrid() {
    }

    public static Grid<SyncOperation> create(String id, boolean withNode) {
        Grid<SyncOperation> grid = new Grid<>();
        grid.setId(id);
        grid.addColumn(SyncOperation::id).setHeader("#").setAutoWidth(true).setFlexGrow(0);
        if (withNode) {
            grid.addColumn(SyncOperation::nodeId).setHeader("Node").setAutoWidth(true);
        }
        grid.addColumn(o -> o.late() ? o.status().name() + " (late)" : o.status().name()).setHeader("Status")
                .setAutoWidth(true);
        grid.addComponentColumn(o -> {
            ProgressBar bar = new ProgressBar(0, 100, o.percent() == null ? 0 : o.percent());
            bar.setIndeterminate(o.percent() == null && !o.status().isFinal());
            bar.setWidth("120px");
            return bar;
        }).setHeader("Progress").setAutoWidth(true);
        grid.addColumn(o -> CodeBadge.shortId(o.fromCommit()) + " → " + CodeBadge.shortId(o.targetCommit())).setHeader("Commits");
        grid.addColumn(o -> o.restart() ? o.restartType().name().toLowerCase(Locale.ROOT) : "no restart").setHeader("Restart");
        grid.addColumn(SyncOperation::requestedBy).setHeader("By");
        grid.addColumn(o -> TIME.format(o.createdAt())).setHeader("Started").setAutoWidth(true);
        grid.addColumn(OperationsGrid::ended).setHeader("Ended").setAutoWidth(true);
        grid.addColumn(o -> o.message() == null ? "" : o.message()).setHeader("Message").setFlexGrow(2);
        grid.setAllRowsVisible(false);
        return grid;
    }

    /** When it ended; for one that succeeded late, also when it had timed out. */
    static String ended(SyncOperation o) {
        if (o.finishedAt() == null) {
            return "";
        }
        String ended = TIME.format(o.finishedAt());
        return o.late() ? ended + " (timed out " + TIME.format(o.timedOutAt()) + ")" : ended;
    }
}
