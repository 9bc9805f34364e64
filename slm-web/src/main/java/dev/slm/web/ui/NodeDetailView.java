package dev.slm.web.ui;

import dev.slm.access.entity.Role;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.button.Button;

import java.util.Locale;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.router.Location;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.RouterLink;
import dev.slm.source.entity.Classification;
import dev.slm.source.entity.CodeStatus;
import dev.slm.source.entity.CommitInfo;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.slm.fleet.boundary.FleetStatus;
import dev.slm.fleet.boundary.NodeRegistry;
import dev.slm.fleet.entity.DesiredCommits;
import dev.slm.fleet.entity.Node;
import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.rollout.entity.SyncOperation;
import dev.slm.source.boundary.SourceStore;
import dev.slm.source.boundary.Mirror;
import dev.slm.source.entity.TrackedSource;
import dev.slm.web.live.LiveEvents;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * One node: its versions, status and the commits it is behind, its agent, and its operations with their stage
 * timelines (the newest open); a link back to the Nodes list, with the list's filters when the list was the page before.
 */
@Route(value = "nodes/:id", layout = MainLayout.class)
@PageTitle("Node — SLM")
@Dependent
public class NodeDetailView extends VerticalLayout implements BeforeEnterObserver {

    private final NodeRegistry nodes;
    private final FleetStatus fleet;
    private final SourceStore sources;
    private final Mirror mirror;
    private final SyncOperations operations;
    private final Actions actions;
    private final dev.slm.rollout.boundary.MaintenanceWindows windows;
    private final Grid<SyncOperation> history;
    private String nodeId;
    private HorizontalLayout buttons = new HorizontalLayout();
    private final DrawnFrom buttonsDrawn = new DrawnFrom();
    /** The Nodes list's query (its filters) when the operator came from it; none otherwise. */
    private QueryParameters listQuery = QueryParameters.empty();

    @Inject
    public NodeDetailView(NodeRegistry nodes, FleetStatus fleet, SourceStore sources, Mirror mirror,
                          SyncOperations operations, Actions actions, LiveEvents events,
                          dev.slm.rollout.boundary.MaintenanceWindows windows) {
        this.windows = windows;
        this.nodes = nodes;
        this.fleet = fleet;
        this.sources = sources;
        this.mirror = mirror;
        this.operations = operations;
        this.actions = actions;
        history = OperationsGrid.create("node-history", false, operations);
        OperationsGrid.lazy(history, q -> {
            int offset = q.getOffset(); // read in any case: Vaadin checks that a fetch looked at its window
            int limit = q.getLimit();
            return nodeId == null ? java.util.stream.Stream.empty()
                    : operations.history(nodeId, null, null, null, offset / Math.max(1, limit), limit).stream();
        });
        Live.follow(this, events, batch -> {
            if (nodeId != null && batch.stream().anyMatch(e -> nodeId.equals(e.nodeId())
                    || e.nodeIds() != null && e.nodeIds().contains(nodeId) || e.type().equals("source.latest_changed")
                    || e.type().equals("fleet.pins_changed")
                    || e.isResync())) {
                show();
            }
        });
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        nodeId = event.getRouteParameters().get("id").orElse("");
        // the page shown until now: the Nodes list (path "") keeps its filters in its query
        Location previous = event.getUI().getInternals().getActiveViewLocation();
        listQuery = previous != null && previous.getPath().isEmpty() ? previous.getQueryParameters() : QueryParameters.empty();
        show();
        // the newest operation's timeline open: what an operator opens a node's page for after a sync
        operations.history(nodeId, null, null, null, 0, 1).stream().findFirst()
                .ifPresent(newest -> history.setDetailsVisible(newest, true));
    }

    /**
     * Draws the page afresh around its buttons, which are made anew only when what they do changed: this runs at each
     * live event of the node (a sync reports a stage every few seconds), and a button drawn anew lost the click of an
     * operator whose click was on its way (Flow drops an event for a component no longer attached). The history grid
     * stays as well.
     */
    private void show() {
        Optional<Node> found = nodes.find(nodeId);
        if (found.isEmpty()) {
            buttonsDrawn.forget();
            showOnly(List.of(back(), new H2("No node " + nodeId), new Paragraph("It is not registered (or was removed).")));
            return;
        }
        NodeRow n = NodeRow.of(found.get());
        // measured against its desired commit: its own pin, its role's, the fleet's pin, or the tip
        DesiredCommits desired = actions.desired();
        String latest = desired.forNode(n.id(), n.roles());
        Optional<DesiredCommits.Pin> pin = desired.pinOf(n.id(), n.roles());
        boolean pinned = pin.isPresent() || sources.current().map(TrackedSource::pinnedCommit).isPresent();
        Classification classified = mirror.classify(n.codeVersion(), latest);
        Span badge = CodeBadge.of(n);
        badge.setTitle(CodeBadge.tooltip(n, latest, classified.behind()));
        FormLayout facts = new FormLayout();
        facts.addFormItem(badge, "Code");
        facts.addFormItem(new Span(n.codeVersion() == null ? "none reported" : n.codeVersion()), "Deployed commit");
        Span desiredText = new Span(latest == null ? "not fetched yet" : latest + pin.map(p -> " (pinned "
                + (p.scope() == DesiredCommits.Scope.ROLE ? "for the role " + p.subject() : "for this node") + " by "
                + p.by() + ", " + OperationsGrid.TIME.format(p.at()) + (p.reason() == null ? "" : ": " + p.reason()) + ")")
                .orElse(pinned ? " (the fleet is pinned here)" : ""));
        desiredText.setId("node-desired");
        desiredText.getElement().setAttribute("data-pin", pin.map(p -> p.scope().name().toLowerCase(Locale.ROOT))
                .orElse(pinned ? "fleet" : "none"));
        facts.addFormItem(desiredText, pinned ? "Desired commit" : "Latest commit");
        facts.addFormItem(new Span(CodeBadge.tooltip(n, latest, List.of())), "Difference");
        facts.addFormItem(new Span(n.isOnline(fleet.onlineSince()) ? "online" : "offline"), "State");
        facts.addFormItem(new Span(NodesView.ago(n.lastSeen())), "Last seen");
        facts.addFormItem(new Span(n.hostname() == null ? "" : n.hostname()), "Host");
        facts.addFormItem(new Span(String.join(", ", n.roles())), "Roles");
        facts.addFormItem(new Span(n.agentVersion() == null ? "" : n.agentVersion()), "Agent version");
        facts.addFormItem(new Span(n.agentState() == null ? "" : n.agentState().name().toLowerCase(Locale.ROOT)), "Agent state");
        Span releases = new Span(n.releases().isEmpty() ? "none reported"
                : String.join(", ", n.releases().stream().map(r -> CodeBadge.shortId(r)
                + (r.equals(n.codeVersion()) ? " (deployed)" : "")).toList()));
        releases.setId("node-releases");
        facts.addFormItem(releases, "Releases on the node");
        var window = windows.forNode(n.id());
        Span windowText = new Span(window.text());
        windowText.setId("node-window");
        windowText.getElement().setAttribute("data-allowed", Boolean.toString(window.allowed()));
        facts.addFormItem(windowText, "Maintenance window");
        history.getDataProvider().refreshAll();
        boolean ownPin = pin.filter(p -> p.scope() == DesiredCommits.Scope.NODE).isPresent();
        if (buttonsDrawn.changed(new ButtonsFor(n.id(), n.codeStatus(), n.codeVersion(), n.releases(), latest, ownPin))) {
            buttons = new HorizontalLayout(SyncDialog.button(n, actions, "detail-sync"), deployCommit(n, latest),
                    rollBack(n), pinNode(n, ownPin));
        }
        List<Component> page = new java.util.ArrayList<>(List.of(back(), new H2(n.id()), buttons, facts));
        if (n.codeStatus() == CodeStatus.OUTDATED) {
            page.addAll(List.of(new H3("Behind the latest commit"), behind(n, classified)));
        }
        page.addAll(List.of(new H3("Operations"), new Span("Open an operation for its whole message and its stages."), history));
        showOnly(page);
    }

    /** What the buttons were made from: they are made anew when it changes. */
    private record ButtonsFor(String node, CodeStatus status, String deployed, List<String> releases, String desired,
                              boolean ownPin) {
    }

    /**
     * The page becomes {@code page}, in its order; a component already on it (the buttons, the history) stays attached
     * where it is, the others are removed or inserted around it.
     */
    private void showOnly(List<Component> page) {
        getChildren().filter(c -> !page.contains(c)).toList().forEach(this::remove);
        for (int i = 0; i < page.size(); i++) {
            if (i >= getComponentCount() || getComponentAt(i) != page.get(i)) {
                addComponentAtIndex(i, page.get(i));
            }
        }
    }

    /** Pin this node at a commit (over its roles' and the fleet's pins), or lift its own pin. */
    private Component pinNode(NodeRow n, boolean ownPin) {
        Button button;
        if (ownPin) {
            button = new Button("Unpin node", VaadinIcon.PIN.create(), e -> actions.pin(false, n.id(), null, null));
            button.setId("unpin-node");
        } else {
            button = new Button("Pin node…", VaadinIcon.PIN.create(), e -> sources.current().ifPresent(s ->
                    PinDialog.of("Pin " + n.id() + " at a commit", mirror.recent(s.latestCommit(), COMMITS_OFFERED),
                            n.codeVersion(), s.branch(), (commit, reason) -> actions.pin(false, n.id(), commit, reason))
                            .open()));
            button.setId("pin-node");
            button.setTooltipText("Hold this node at a commit of the branch, whatever its roles and the fleet follow");
        }
        return Permitted.button(button, Role.OPERATOR);
    }

    /** Deploy a chosen commit of the branch: the newest {@value #COMMITS_OFFERED}, any older one by the API. */
    private Component deployCommit(NodeRow n, String latest) {
        Button open = new Button("Deploy commit…", e -> {
            Dialog dialog = new Dialog();
            dialog.setHeaderTitle("Deploy a commit to " + n.id());
            ComboBox<CommitInfo> commits = Fields.commitChoice("deploy-commit-choice", "Commit of the tracked branch",
                    mirror.recent(latest, COMMITS_OFFERED), n.codeVersion());
            Button deploy = new Button("Deploy", d -> Fields.chosen(commits).ifPresent(c -> {
                dialog.close();
                actions.syncTo(n.id(), c.id(), "Deploy of " + c.shortId());
            }));
            deploy.setId("deploy-commit-confirm");
            deploy.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            dialog.add(commits);
            dialog.getFooter().add(new Button("Cancel", d -> dialog.close()), deploy);
            dialog.open();
        });
        open.setId("deploy-commit");
        return Permitted.button(open, Role.OPERATOR);
    }

    /**
     * Back to the release the node ran before (the newest of its kept releases that is not deployed): a sync to that
     * commit, which the agent activates from its disk without a download.
     */
    private Component rollBack(NodeRow n) {
        String previous = n.releases().stream().filter(r -> !r.equals(n.codeVersion())).findFirst().orElse(null);
        Button back = new Button(previous == null ? "Roll back" : "Roll back to " + CodeBadge.shortId(previous),
                e -> actions.syncTo(n.id(), previous, "Rollback to " + CodeBadge.shortId(previous)));
        back.setId("roll-back");
        if (previous == null) {
            return Permitted.disabled(back, "The node reports no earlier release kept on its disk");
        }
        back.setTooltipText("Activates the release kept on the node (no download): " + previous);
        return Permitted.button(back, Role.OPERATOR);
    }

    private static final int COMMITS_OFFERED = 50;

    private Component back() {
        RouterLink back = new RouterLink("", NodesView.class);
        back.add(VaadinIcon.ARROW_LEFT.create(), new Span(" Nodes"));
        back.setQueryParameters(listQuery);
        back.setId("back-to-nodes");
        return back;
    }

    /**
     * The commits that change what the node gets and that it lacks, newest first (the mirror lists at most
     * {@value Classification#MAX_SUBJECTS}: the rest are counted).
     */
    static Component behind(NodeRow n, Classification classified) {
        UnorderedList list = new UnorderedList();
        list.setId("behind-commits");
        for (CommitInfo c : classified.behind()) {
            Span id = new Span(c.shortId());
            id.setTitle(c.id());
            id.getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)");
            ListItem item = new ListItem(id, new Span(" " + c.subject() + " — " + c.author()
                    + (c.committedAt() == null ? "" : ", " + OperationsGrid.TIME.format(c.committedAt()))));
            item.addClassName("behind-commit");
            list.add(item);
        }
        int behind = n.commitsBehind() == null ? 0 : n.commitsBehind();
        int more = behind - classified.behind().size();
        if (more > 0) {
            list.add(new ListItem("… and " + CodeBadge.plural(more) + " more"));
        }
        return list;
    }
}
