package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.data.provider.CallbackDataProvider;
import com.vaadin.flow.data.provider.ListDataProvider;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import dev.slm.access.entity.Role;
import dev.slm.platform.Conflict;
import dev.slm.platform.NotFound;
import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.rollout.entity.SyncOperation;
import dev.slm.rollout.entity.SyncStatus;
import jakarta.ejb.EJBAccessException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Sync operations in a grid: node, status badge with progress, commits, who, when it started and ended, the first
 * line of the message; short ids and times, the full ones on hover. A row opens (click) to the whole message, the
 * full commits and the stage timeline; a PENDING operation has a Cancel button (operators; a viewer sees it disabled).
 * Rows are told apart by operation id, so an open row stays open when the grid is refreshed by a live event.
 */
public final class OperationsGrid {

    /** How the web app writes an instant. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    /** In a grid cell: the day and the minute (the year and the seconds are on hover). */
    static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);
    static final DateTimeFormatter FULL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'")
            .withZone(ZoneOffset.UTC);
    /** A message longer than this is cut in its cell (a rolled-back health check can say a screenful); the row has it whole. */
    static final int MESSAGE_IN_CELL = 120;

    private OperationsGrid() {
    }

    public static Grid<SyncOperation> create(String id, boolean withNode, SyncOperations operations) {
        Grid<SyncOperation> grid = new Grid<>();
        grid.setId(id);
        grid.addColumn(SyncOperation::id).setHeader("#").setAutoWidth(true).setFlexGrow(0);
        if (withNode) {
            grid.addComponentColumn(o -> new RouterLink(o.nodeId(), NodeDetailView.class, new RouteParameters("id", o.nodeId())))
                    .setHeader("Node").setAutoWidth(true);
        }
        grid.addComponentColumn(o -> OperationBadge.of(o.status(), o.late())).setHeader("Status").setAutoWidth(true);
        grid.addComponentColumn(OperationsGrid::progress).setHeader("Progress").setAutoWidth(true);
        grid.addComponentColumn(OperationsGrid::commits).setHeader("Commits").setAutoWidth(true);
        grid.addColumn(o -> o.restart() ? o.restartType().name().toLowerCase(Locale.ROOT) : "no restart").setHeader("Restart");
        grid.addColumn(SyncOperation::requestedBy).setHeader("By");
        grid.addComponentColumn(o -> time(o.createdAt())).setHeader("Started (UTC)").setAutoWidth(true);
        grid.addComponentColumn(OperationsGrid::ended).setHeader("Ended (UTC)").setAutoWidth(true);
        grid.addColumn(o -> firstLine(o.message())).setHeader("Message").setFlexGrow(2)
                .setTooltipGenerator(o -> o.message() == null ? "" : o.message());
        grid.addComponentColumn(o -> cancel(o, operations)).setHeader("").setAutoWidth(true).setFlexGrow(0);
        grid.setItemDetailsRenderer(new ComponentRenderer<>(o -> details(o, operations)));
        grid.setAllRowsVisible(false);
        return grid;
    }

    /**
     * Shows these operations; an open row stays open across calls. The grid tells rows apart (selection, open rows)
     * by its data provider's {@code getId}, not by the data view's identifier provider: so the providers here say it.
     */
    public static void show(Grid<SyncOperation> grid, List<SyncOperation> operations) {
        grid.setItems(new ListDataProvider<>(operations) {
            @Override
            public Object getId(SyncOperation o) {
                return o.id();
            }
        });
    }

    /** Loads the operations page by page, without counting them; an open row stays open across {@code refreshAll}. */
    public static void lazy(Grid<SyncOperation> grid, CallbackDataProvider.FetchCallback<SyncOperation, Void> fetch) {
        grid.setItems(new CallbackDataProvider<SyncOperation, Void>(fetch, query -> {
            throw new IllegalStateException("the history is never counted: the grid loads it until a page is short");
        }, SyncOperation::id)).setItemCountUnknown();
    }

    /** A short time in the cell, the full one on hover. */
    static Span time(Instant at) {
        Span s = new Span(at == null ? "" : SHORT.format(at));
        if (at != null) {
            s.setTitle(FULL.format(at));
        }
        return s;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > MESSAGE_IN_CELL ? line.substring(0, MESSAGE_IN_CELL - 1) + "…"
                : newline < 0 ? line : line + " …";
    }

    private static Component progress(SyncOperation o) {
        if (o.status().isFinal()) { // a full bar next to a failure would read as done
            return new Span();
        }
        ProgressBar bar = new ProgressBar(0, 100, o.percent() == null ? 0 : o.percent());
        bar.setIndeterminate(o.percent() == null);
        bar.setWidth("120px");
        return bar;
    }

    private static Span commits(SyncOperation o) {
        Span s = new Span(CodeBadge.shortId(o.fromCommit()) + " → " + CodeBadge.shortId(o.targetCommit()));
        s.setTitle((o.fromCommit() == null ? "none reported" : o.fromCommit()) + " → " + o.targetCommit());
        s.addClassName("operation-commits");
        return s;
    }

    /** When it ended; for one that succeeded late, also when it had timed out. */
    private static Span ended(SyncOperation o) {
        Span s = time(o.finishedAt());
        if (o.late() && o.timedOutAt() != null) {
            s.setText(s.getText() + " (timed out " + SHORT.format(o.timedOutAt()) + ")");
            s.setTitle(FULL.format(o.finishedAt()) + "; timed out " + FULL.format(o.timedOutAt()));
        }
        return s;
    }

    /** The Cancel button of a PENDING operation; nothing for the others (their agent has them, or they ended). */
    private static Component cancel(SyncOperation o, SyncOperations operations) {
        if (o.status() != SyncStatus.PENDING) {
            return new Span();
        }
        Button cancel = new Button("Cancel", VaadinIcon.BAN.create());
        cancel.setId("cancel-" + o.id());
        cancel.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
        boolean may = Operator.current().map(op -> op.can(Role.OPERATOR)).orElse(false);
        if (may) {
            cancel.setTooltipText("Withdraw this command: its agent has not claimed it yet");
            cancel.addClickListener(e -> confirmCancel(o.id(), o.nodeId(), o.targetCommit(), operations));
        } else {
            cancel.setEnabled(false);
            cancel.setTooltipText("Cancelling needs the " + Role.OPERATOR.roleName() + " role");
        }
        return cancel;
    }

    private static void confirmCancel(long id, String nodeId, String target, SyncOperations operations) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Cancel operation " + id + "?");
        dialog.add(new Paragraph("The command to move " + nodeId + " to " + CodeBadge.shortId(target)
                + " has not reached its agent. Cancelling withdraws it; the node can be synced again at once."));
        Button confirm = new Button("Cancel operation", e -> {
            dialog.close();
            cancel(id, nodeId, operations);
        });
        confirm.setId("cancel-confirm");
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
        Button keep = new Button("Keep it", e -> dialog.close());
        keep.setId("cancel-keep");
        dialog.getFooter().add(keep, confirm);
        dialog.open();
    }

    /** The boundary checks the role and the state; the page says what it answered (the live event redraws the grids). */
    private static void cancel(long id, String nodeId, SyncOperations operations) {
        try {
            operations.cancel(id, Operator.current().map(Operator::name).orElse(""));
            Actions.ok("Operation " + id + " for " + nodeId + " cancelled");
        } catch (EJBAccessException e) {
            Actions.refused(Role.OPERATOR);
        } catch (Conflict | NotFound e) {
            Actions.error(e.getMessage());
        }
    }

    /** An opened row: the whole message, the full commits, who asked (and cancelled), the stage timeline. */
    private static Component details(SyncOperation o, SyncOperations operations) {
        Div details = new Div();
        details.setId("details-" + o.id());
        details.addClassName("operation-details");
        Div commits = new Div(new Span("Commits: " + (o.fromCommit() == null ? "none reported" : o.fromCommit())
                + " → " + o.targetCommit()));
        commits.getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)")
                .set("overflow-wrap", "anywhere");
        Div who = new Div(new Span("Requested by " + o.requestedBy() + " (" + o.trigger().name().toLowerCase(Locale.ROOT)
                + ")" + (o.cancelledBy() == null ? "" : "; cancelled by " + o.cancelledBy())));
        Div message = new Div(new Span(o.message() == null || o.message().isEmpty() ? "No message" : o.message()));
        message.addClassName("operation-message");
        message.getStyle().set("white-space", "pre-wrap").set("overflow-wrap", "anywhere");
        details.add(commits, who, message, OperationTimeline.component(o, operations.stages(o.id())));
        details.getStyle().set("padding", "var(--lumo-space-s) var(--lumo-space-m)");
        return details;
    }
}
