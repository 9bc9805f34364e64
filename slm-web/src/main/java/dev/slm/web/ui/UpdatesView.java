package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.slm.access.entity.Role;
import dev.slm.fleet.boundary.FleetStatus;
import dev.slm.fleet.boundary.NodeQueries;
import dev.slm.source.entity.CodeStatus;
import dev.slm.fleet.entity.Node;
import dev.slm.packages.boundary.Deployability;
import dev.slm.rollout.boundary.Rollouts;
import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.rollout.entity.SyncOperation;
import dev.slm.rollout.entity.SyncStatus;
import dev.slm.source.boundary.SourceStore;
import dev.slm.source.entity.TrackedSource;
import dev.slm.web.live.LiveEvent;
import dev.slm.web.live.LiveEvents;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code /updates}: what upstream has (banner, refresh), who is behind (bulk sync), what is running (live progress)
 * and what happened (history). Schedules and rolling rollouts get their place here with the fleet issue.
 */
@Route(value = "updates", layout = MainLayout.class)
@PageTitle("Updates — SLM")
@Dependent
public class UpdatesView extends VerticalLayout {

    private final SourceStore sources;
    private final NodeQueries queries;
    private final SyncOperations operations;
    private final Deployability deployability;
    private final Div banner = new Div();
    private final DrawnFrom bannerDrawn = new DrawnFrom();
    private Button syncSelected;
    private Button syncAll;
    private final Grid<NodeRow> pending = new Grid<>();
    private final Grid<SyncOperation> running;
    private final BulkActionsPanel bulks;
    private final RolloutsPanel rollouts;
    private final SchedulesPanel schedulesPanel;
    private final WindowsPanel windowsPanel;
    private final dev.slm.source.boundary.Mirror mirror;
    private final Grid<SyncOperation> history;
    private final TextField historyNode = new TextField();
    private final ComboBox<SyncStatus> historyStatus = new ComboBox<>();
    private final ComboBox<String> historyTrigger = new ComboBox<>();
    private static final String MANUAL = "By hand";
    private static final String BY_ROLLOUT = "Rollouts";
    private static final String ANY_SCHEDULE = "Any schedule";
    private static final String BY_SCHEDULE = "Schedule: ";

    private static List<String> triggerChoices(dev.slm.rollout.boundary.Schedules schedules) {
        List<String> choices = new java.util.ArrayList<>(List.of(MANUAL, BY_ROLLOUT, ANY_SCHEDULE));
        schedules.all().forEach(s -> choices.add(BY_SCHEDULE + s.name()));
        return choices;
    }

    @Inject
    public UpdatesView(SourceStore sources, NodeQueries queries, FleetStatus fleet, SyncOperations operations,
                       Deployability deployability, Actions actions, LiveEvents events, Rollouts rolloutService,
                       dev.slm.source.boundary.Mirror mirror, dev.slm.rollout.boundary.Schedules schedules,
                       dev.slm.rollout.boundary.MaintenanceWindows maintenance) {
        this.schedulesPanel = new SchedulesPanel(schedules, actions);
        this.windowsPanel = new WindowsPanel(maintenance, actions);
        this.mirror = mirror;
        this.sources = sources;
        this.deployability = deployability;
        this.queries = queries;
        this.operations = operations;
        this.bulks = new BulkActionsPanel(operations);
        this.rollouts = new RolloutsPanel(rolloutService, actions);
        running = OperationsGrid.create("running", true, operations);
        history = OperationsGrid.create("history", true, operations);
        banner.setId("status-banner");
        banner.getStyle().set("padding", "var(--lumo-space-m)").set("border-radius", "var(--lumo-border-radius-l)")
                .set("background", "var(--lumo-contrast-5pct)").set("width", "100%").set("box-sizing", "border-box");

        pending.setId("pending");
        pending.setSelectionMode(Grid.SelectionMode.MULTI);
        pending.addColumn(NodeRow::id).setHeader("Node").setAutoWidth(true);
        pending.addComponentColumn(CodeBadge::of).setHeader("Code").setAutoWidth(true);
        pending.addColumn(n -> CodeBadge.shortId(n.codeVersion())).setHeader("Commit");
        pending.addColumn(n -> n.codeStatus() == CodeStatus.OUTDATED ? CodeBadge.plural(n.commitsBehind()) + " behind" : "")
                .setHeader("Behind");
        pending.addColumn(n -> NodesView.ago(n.lastSeen())).setHeader("Last seen");
        pending.setHeight("280px");
        syncSelected = new Button("Sync selected", e -> {
            Set<String> ids = pending.getSelectedItems().stream().map(NodeRow::id).collect(Collectors.toSet());
            if (ids.isEmpty()) {
                Actions.error("Select the nodes to sync first");
            } else {
                new SyncDialog(ids, actions).open();
            }
        });
        syncSelected.setId("sync-selected");
        syncAll = new Button("Sync all", e -> {
            List<String> ids = queries.needingUpdateIds();
            if (ids.isEmpty()) {
                Actions.ok("Every node is up to date");
            } else {
                new SyncDialog(ids, actions).open();
            }
        });
        syncAll.setId("sync-all");
        syncAll.addThemeVariants(ButtonVariant.LUMO_PRIMARY);

        running.setHeight("200px");
        historyNode.setPlaceholder("Node");
        historyNode.setValueChangeMode(ValueChangeMode.LAZY);
        historyStatus.setPlaceholder("Status");
        historyStatus.setItems(SyncStatus.values());
        historyStatus.setClearButtonVisible(true);
        historyNode.addValueChangeListener(e -> history.getDataProvider().refreshAll());
        historyStatus.addValueChangeListener(e -> history.getDataProvider().refreshAll());
        // by what asked for it: by hand, a rollout, any schedule or one schedule (by name: a deleted one's runs keep it)
        historyTrigger.setPlaceholder("Trigger");
        historyTrigger.setId("history-trigger");
        historyTrigger.setClearButtonVisible(true);
        historyTrigger.setItems(triggerChoices(schedules));
        historyTrigger.addValueChangeListener(e -> history.getDataProvider().refreshAll());
        OperationsGrid.lazy(history, q -> {
            String chosen = historyTrigger.getValue();
            java.util.Set<dev.slm.rollout.entity.TriggerType> triggers = chosen == null ? null
                    : chosen.equals(MANUAL) ? dev.slm.rollout.entity.TriggerType.MANUAL
                    : chosen.equals(BY_ROLLOUT) ? java.util.Set.of(dev.slm.rollout.entity.TriggerType.ROLLOUT)
                    : chosen.equals(ANY_SCHEDULE) ? java.util.Set.of(dev.slm.rollout.entity.TriggerType.SCHEDULE)
                    : null; // one schedule: by its name below
            String schedule = chosen != null && chosen.startsWith(BY_SCHEDULE) ? chosen.substring(BY_SCHEDULE.length()) : null;
            return operations.history(blankToNull(historyNode.getValue()), historyStatus.getValue(), null, null, triggers,
                    schedule, q.getOffset() / Math.max(1, q.getLimit()), q.getLimit()).stream();
        });
        history.setHeight("320px");

        add(banner, new H3("Pending updates"),
                new HorizontalLayout(Permitted.button(syncSelected, Role.OPERATOR), Permitted.button(syncAll, Role.OPERATOR)), pendingNote, pending,
                new H3("Rolling rollouts"), rollouts, new H3("Bulk syncs"), bulks, new H3("Running"), running, new H3("History"), new HorizontalLayout(historyNode, historyStatus, historyTrigger), history,
                new H3("Schedules"), schedulesPanel, new H3("Maintenance windows"), windowsPanel);
        refresh(actions);
        Live.follow(this, events, batch -> onEvents(batch, actions));
    }

    private void onEvents(List<LiveEvent> batch, Actions actions) {
        if (batch.stream().anyMatch(e -> !e.isSync())) {
            refresh(actions);
            return;
        }
        showRunning();
        history.getDataProvider().refreshAll();
        if (batch.stream().anyMatch(e -> !e.type().equals("sync.progress") && !e.type().equals("sync.started"))) {
            showPending();
        }
    }

    private void refresh(Actions actions) {
        showBanner(actions);
        showPending();
        showRunning();
        // redrawn for a rollout's own moves (fleet.sync.progress, not a sync event: a full refresh), not for each
        // stage a node reports: its buttons stay put under the operator's pointer
        rollouts.show();
        schedulesPanel.show(); // a firing creates operations or a rollout: their events redraw its runs too
        history.getDataProvider().refreshAll();
    }

    /**
     * Drawn anew only when what it says changed ({@link DrawnFrom}: the source, its pins, whether its tip is
     * deployable): this runs at every non-sync event (each node whose status changes, each move of a rollout).
     */
    private void showBanner(Actions actions) {
        TrackedSource s = sources.current().orElse(null);
        Deployability.Verdict verdict = s == null ? null : deployability.ofLatest(s).orElse(null);
        dev.slm.fleet.entity.DesiredCommits desired = s == null || s.latestCommit() == null ? null : actions.desired();
        List<Object> shows = s == null ? List.of() : java.util.Arrays.asList(s.latestCommit(), s.latestSubject(),
                s.latestAuthor(), s.branch(), s.path(), s.fetchedAt(), s.pinnedCommit(), s.pinnedBy(), s.pinnedAt(),
                s.pinReason(), s.lastHookAt(), s.lastHookResult(), s.lastError(), verdict,
                desired == null ? null : desired.rolePins(), desired == null ? null : desired.nodePins());
        showDeployability(verdict);
        if (!bannerDrawn.changed(shows)) {
            return;
        }
        banner.removeAll();
        Button refresh = new Button("Refresh", VaadinIcon.REFRESH.create(), e -> actions.refresh());
        refresh.setId("refresh");
        if (s == null || s.latestCommit() == null) {
            banner.add(new Span("The repository has not been fetched yet."), Permitted.button(refresh, Role.OPERATOR));
        } else {
            Span commit = new Span(CodeBadge.shortId(s.latestCommit()) + " " + s.latestSubject());
            commit.setId("latest-commit");
            commit.getStyle().set("font-weight", "600");
            Span meta = new Span(" by " + s.latestAuthor() + " · " + s.branch() + (s.path() == null || s.path().isBlank() ? ""
                    : " · " + s.path()) + " · fetched " + (s.fetchedAt() == null ? "never" : OperationsGrid.TIME.format(s.fetchedAt())));
            HorizontalLayout line = new HorizontalLayout(VaadinIcon.CODE.create(), commit, meta,
                    Permitted.button(refresh, Role.OPERATOR));
            line.setAlignItems(FlexComponent.Alignment.CENTER);
            banner.add(line);
        }
        if (s != null && s.latestCommit() != null) {
            banner.add(pinLine(s, actions), rolePins(s, desired, actions));
        }
        if (s != null && s.lastHookAt() != null) {
            Span hook = new Span("Last webhook " + OperationsGrid.TIME.format(s.lastHookAt()) + ": " + s.lastHookResult());
            hook.setId("last-webhook");
            hook.getElement().setAttribute("data-result", s.lastHookResult().split(":")[0]);
            hook.getStyle().set("color", s.lastHookResult().startsWith("refused")
                    ? "var(--lumo-error-text-color)" : "var(--lumo-secondary-text-color)");
            banner.add(new Div(hook));
        }
        if (verdict != null && verdict.refused()) {
            Span message = new Span(notDeployable(verdict));
            message.setId("not-deployable");
            message.getStyle().set("color", "var(--lumo-error-text-color)").set("font-weight", "600");
            HorizontalLayout line = new HorizontalLayout(VaadinIcon.BAN.create(), message);
            line.setAlignItems(FlexComponent.Alignment.CENTER);
            banner.add(line);
        }
        if (s != null && s.lastError() != null) {
            Span error = new Span("Last fetch failed: " + s.lastError());
            error.setId("fetch-error");
            error.getStyle().set("color", "var(--lumo-error-text-color)");
            banner.add(new Div(error));
        }
    }

    /**
     * Where the fleet is held: "pinned at X (the tip is N commits ahead), by whom, when, why" with Unpin; or Pin…, to
     * hold it at a commit of the branch (after a rollback: a newer commit then changes no node's status).
     */
    private Component pinLine(TrackedSource s, Actions actions) {
        HorizontalLayout line = new HorizontalLayout();
        line.setAlignItems(FlexComponent.Alignment.CENTER);
        line.setId("pin");
        if (s.pinnedCommit() != null) {
            Span said = new Span("The fleet is " + pinText(s.pinnedCommit(), s.latestCommit(), s.pinnedBy(),
                    s.pinnedAt(), s.pinReason()));
            said.setId("pinned");
            said.getElement().setAttribute("data-commit", s.pinnedCommit());
            said.getStyle().set("color", "var(--lumo-warning-text-color, var(--lumo-primary-text-color))").set("font-weight", "500");
            Button unpin = new Button("Unpin", e -> actions.pin(null, null));
            unpin.setId("unpin");
            line.add(VaadinIcon.PIN.create(), said, Permitted.button(unpin, Role.OPERATOR));
        } else {
            Button pin = new Button("Pin…", VaadinIcon.PIN.create(), e -> pinDialog(s, actions).open());
            pin.setId("pin-open");
            pin.setTooltipText("Hold the fleet at a commit of the branch: nodes are measured against it, a sync sends it");
            line.add(new Span("Nodes follow the branch tip."), Permitted.button(pin, Role.OPERATOR));
        }
        return line;
    }

    private com.vaadin.flow.component.dialog.Dialog pinDialog(TrackedSource s, Actions actions) {
        return PinDialog.of("Pin the fleet at a commit", mirror.recent(s.latestCommit(), 50), null, s.branch(),
                actions::pin);
    }

    /**
     * The roles and nodes held at a commit of their own (each "pinned at X (the tip is N ahead) by whom, when, why"
     * with Unpin), and Pin a role…: a rolled-back role stays back while the rest of the fleet follows the tip.
     */
    private Component rolePins(TrackedSource s, dev.slm.fleet.entity.DesiredCommits desired, Actions actions) {
        Div pins = new Div();
        pins.setId("pins");
        java.util.List<dev.slm.fleet.entity.DesiredCommits.Pin> all = new java.util.ArrayList<>(desired.rolePins());
        desired.nodePins().values().stream()
                .sorted(java.util.Comparator.comparing(dev.slm.fleet.entity.DesiredCommits.Pin::at).reversed())
                .forEach(all::add);
        for (var p : all) {
            boolean role = p.scope() == dev.slm.fleet.entity.DesiredCommits.Scope.ROLE;
            Span said = new Span((role ? "Role " : "Node ") + p.subject() + ": " + pinText(p.commit(), s.latestCommit(),
                    p.by(), p.at(), p.reason()));
            said.addClassName("pin-text");
            Button unpin = new Button("Unpin", e -> actions.pin(role, p.subject(), null, null));
            unpin.addClassName("unpin");
            HorizontalLayout line = new HorizontalLayout(VaadinIcon.PIN.create(), said, Permitted.button(unpin, Role.OPERATOR));
            line.setAlignItems(FlexComponent.Alignment.CENTER);
            line.addClassName(role ? "role-pin" : "node-pin");
            line.getElement().setAttribute("data-subject", p.subject());
            line.getElement().setAttribute("data-commit", p.commit());
            pins.add(line);
        }
        Button pinRole = new Button("Pin a role…", VaadinIcon.PIN.create(), e -> {
            ComboBox<String> roleField = new ComboBox<>("Role");
            roleField.setId("pin-role");
            roleField.setItems(queries.roles());
            roleField.setAllowCustomValue(true);
            roleField.addCustomValueSetListener(v -> roleField.setValue(v.getDetail()));
            PinDialog.of("Pin a role at a commit", mirror.recent(s.latestCommit(), 50), null, s.branch(),
                    (commit, reason) -> actions.pin(true, roleField.getValue() == null ? "" : roleField.getValue(),
                            commit, reason), roleField).open();
        });
        pinRole.setId("pin-role-open");
        pinRole.setTooltipText("Hold the nodes of one role at a commit of the branch while the rest follow the fleet");
        pins.add(Permitted.button(pinRole, Role.OPERATOR));
        return pins;
    }

    /** "abc1234 subject (the tip def5678 is 2 commits ahead) by alice, 2026-… : why" */
    private String pinText(String commit, String tip, String by, java.time.Instant at, String reason) {
        Integer ahead = mirror.classify(commit, tip).commitsBehind();
        String subject = mirror.commit(commit).map(c -> " " + c.subject()).orElse("");
        return "pinned at " + CodeBadge.shortId(commit) + subject + " (the tip " + CodeBadge.shortId(tip) + " is "
                + CodeBadge.plural(ahead == null ? 0 : ahead) + " ahead) by " + by + ", " + OperationsGrid.TIME.format(at)
                + (reason == null ? "" : ": " + reason);
    }

    /** A commit no agent could install: said in the banner, and the sync buttons are off (the server refuses anyway). */
    private void showDeployability(Deployability.Verdict verdict) {
        boolean refused = verdict != null && verdict.refused();
        for (Button b : List.of(syncSelected, syncAll)) {
            b.setEnabled(!refused && Permitted.can(Role.OPERATOR));
            b.setTooltipText(refused ? notDeployable(verdict) : null);
        }
    }

    private static String notDeployable(Deployability.Verdict verdict) {
        return "Commit " + CodeBadge.shortId(verdict.commit()) + " is not deployable: " + verdict.reason()
                + ". No agent could install it; commit a fix and refresh.";
    }

    private void showPending() {
        Set<String> selected = pending.getSelectedItems().stream().map(NodeRow::id).collect(Collectors.toSet());
        List<NodeRow> nodes = NodeRow.of(queries.needingUpdate(PENDING_SHOWN));
        pending.setItems(nodes);
        nodes.stream().filter(n -> selected.contains(n.id())).forEach(pending::select);
        int all = queries.needingUpdateCount();
        pendingNote.setText(all > nodes.size() ? "Showing the first " + nodes.size() + " of " + all
                + " nodes that need updates; \"Sync all\" takes all " + all + "." : "");
    }

    /** The pending grid holds the first nodes in memory (so that "select all" works); "Sync all" takes every one. */
    private static final int PENDING_SHOWN = 1000;
    private final Span pendingNote = new Span();

    private void showRunning() {
        OperationsGrid.show(running, operations.running(200));
        bulks.show();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
