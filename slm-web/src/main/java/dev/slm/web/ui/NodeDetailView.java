package dev.slm.web.ui;

import java.util.Locale;
import com.vaadin.flow.component.button.Button;
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

/** One node: its versions, status, agent, and its operation history. */
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
    private final Grid<SyncOperation> history = OperationsGrid.create("node-history", false);
    private String nodeId;

    @Inject
    public NodeDetailView(NodeRegistry nodes, FleetStatus fleet, SourceStore sources, Mirror mirror,
                          SyncOperations operations, Actions actions, LiveEvents events) {
        this.nodes = nodes;
        this.fleet = fleet;
        this.sources = sources;
        this.mirror = mirror;
        this.operations = operations;
        this.actions = actions;
        Live.follow(this, events, batch -> {
            if (nodeId != null && batch.stream().anyMatch(e -> nodeId.equals(e.nodeId())
                    || e.nodeIds() != null && e.nodeIds().contains(nodeId) || e.type().equals("source.latest_changed")
                    || e.isResync())) {
                show();
            }
        });
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        nodeId = event.getRouteParameters().get("id").orElse("");
        show();
    }

    private void show() {
        removeAll();
        Optional<Node> found = nodes.find(nodeId);
        if (found.isEmpty()) {
            add(new H2("No node " + nodeId), new Paragraph("It is not registered (or was removed)."));
            return;
        }
        NodeRow n = NodeRow.of(found.get());
        String latest = sources.current().map(TrackedSource::latestCommit).orElse(null);
        Span badge = CodeBadge.of(n);
        badge.setTitle(CodeBadge.tooltip(n, latest, mirror.classify(n.codeVersion(), latest).behind()));
        Button sync = new Button("Sync", e -> new SyncDialog(List.of(n.id()), actions).open());
        sync.setId("detail-sync");
        FormLayout facts = new FormLayout();
        facts.addFormItem(badge, "Code");
        facts.addFormItem(new Span(n.codeVersion() == null ? "none reported" : n.codeVersion()), "Deployed commit");
        facts.addFormItem(new Span(latest == null ? "not fetched yet" : latest), "Latest commit");
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
        history.setItems(operations.history(nodeId, null, null, null, 0, 50));
        add(new H2(n.id()), sync, facts, new H3("Operations"), history);
    }
}
