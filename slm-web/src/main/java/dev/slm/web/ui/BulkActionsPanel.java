package dev.slm.web.ui;

import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.rollout.boundary.SyncOperations.BulkProgress;
import dev.slm.rollout.entity.SyncOperation;
import dev.slm.rollout.entity.SyncStatus;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The newest bulk syncs on /updates, each one object: who, when, the target, its totals (pending, in progress,
 * succeeded, failed, rolled back, timed out) with a bar, and its nodes' operations when opened.
 */
final class BulkActionsPanel extends VerticalLayout {

    /** Bulk actions shown; older ones are in the history. */
    static final int SHOWN = 5;
    /** Operations listed under one opened bulk action. */
    static final int NODES_SHOWN = 1000;

    private static final Set<SyncStatus> IN_PROGRESS = EnumSet.complementOf(EnumSet.copyOf(SyncStatus.FINAL));

    private final SyncOperations operations;
    private final Set<Long> opened = new HashSet<>();

    BulkActionsPanel(SyncOperations operations) {
        this.operations = operations;
        setId("bulks");
        setPadding(false);
        setSpacing(false);
    }

    void show() {
        removeAll();
        List<BulkProgress> bulks = operations.recentBulks(SHOWN);
        if (bulks.isEmpty()) {
            add(new Span("No bulk sync yet: select nodes (here or on the Nodes page) and sync them together."));
        }
        for (BulkProgress b : bulks) {
            add(row(b));
        }
    }

    private Details row(BulkProgress b) {
        long total = b.total();
        long pending = b.count(Set.of(SyncStatus.PENDING));
        long running = b.count(IN_PROGRESS) - pending;
        long succeeded = b.count(Set.of(SyncStatus.SUCCEEDED));
        long failed = b.count(Set.of(SyncStatus.FAILED, SyncStatus.TIMED_OUT));
        long rolledBack = b.count(Set.of(SyncStatus.ROLLED_BACK));
        long cancelled = b.count(Set.of(SyncStatus.CANCELLED));
        long ended = total - pending - running;
        Span title = new Span("#" + b.bulk().id() + " · " + total + " of " + b.bulk().nodeCount() + " nodes sent · to "
                + CodeBadge.shortId(b.bulk().targetCommit()) + " · by " + b.bulk().requestedBy() + " · "
                + OperationsGrid.TIME.format(b.bulk().createdAt()));
        title.getStyle().set("font-weight", "600");
        Span totals = new Span(pending + " pending · " + running + " in progress · " + succeeded + " succeeded · "
                + failed + " failed · " + rolledBack + " rolled back" + (cancelled == 0 ? "" : " · " + cancelled + " cancelled"));
        if (failed + rolledBack > 0) {
            totals.getStyle().set("color", "var(--lumo-error-text-color)");
        }
        ProgressBar bar = new ProgressBar(0, Math.max(1, total), ended);
        bar.setWidth("160px");
        if (failed + rolledBack > 0) {
            bar.addThemeName("error");
        } else if (ended == total) {
            bar.addThemeName("success");
        }
        HorizontalLayout summary = new HorizontalLayout(title, bar, totals);
        summary.setAlignItems(FlexComponent.Alignment.CENTER);
        summary.getStyle().set("flex-wrap", "wrap");
        Details details = new Details(summary);
        details.setId("bulk-" + b.bulk().id());
        details.getElement().setAttribute("data-total", Long.toString(total));
        details.getElement().setAttribute("data-succeeded", Long.toString(succeeded));
        details.getElement().setAttribute("data-failed", Long.toString(failed + rolledBack));
        details.getElement().setAttribute("data-open", Long.toString(pending + running));
        long id = b.bulk().id();
        details.setOpened(opened.contains(id));
        if (details.isOpened()) {
            details.add(nodes(id));
        }
        details.addOpenedChangeListener(e -> {
            if (e.isOpened()) {
                opened.add(id);
                if (details.getContent().findAny().isEmpty()) {
                    details.add(nodes(id));
                }
            } else {
                opened.remove(id);
            }
        });
        return details;
    }

    private Grid<SyncOperation> nodes(long bulkId) {
        Grid<SyncOperation> grid = OperationsGrid.create("bulk-nodes-" + bulkId, true, operations);
        OperationsGrid.show(grid, operations.ofBulk(bulkId, NODES_SHOWN));
        grid.setHeight("260px");
        return grid;
    }
}
