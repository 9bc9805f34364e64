package dev.slm.web.ui;

import java.util.Locale;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridSortOrder;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.router.RouteParameters;
import dev.slm.fleet.boundary.FleetStatus;
import dev.slm.fleet.boundary.NodeQueries;
import dev.slm.source.entity.CodeStatus;
import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.source.boundary.SourceStore;
import dev.slm.source.boundary.Mirror;
import dev.slm.source.entity.TrackedSource;
import dev.slm.web.live.LiveEvent;
import dev.slm.web.live.LiveEvents;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The start page: every node with its code badge, lazily loaded page by page, filtered and sorted in the database. */
@Route(value = "", layout = MainLayout.class)
@PageTitle("Nodes — SLM")
@Dependent
public class NodesView extends VerticalLayout {

    private final NodeQueries queries;
    private final FleetStatus fleet;
    private final Grid<NodeRow> grid = new Grid<>();
    private final TextField text = new TextField();
    private final ComboBox<String> role = new ComboBox<>();
    private final ComboBox<CodeStatus> status = new ComboBox<>();
    private final ComboBox<String> online = new ComboBox<>();
    private Instant onlineSince = Instant.EPOCH;
    private String latest;

    @Inject
    public NodesView(NodeQueries queries, FleetStatus fleet, SourceStore sources, Mirror mirror, Actions actions,
                     SyncOperations operations, LiveEvents events) {
        this.queries = queries;
        this.fleet = fleet;
        setSizeFull();

        text.setPlaceholder("Node or host name");
        text.setId("filter-text");
        text.setClearButtonVisible(true);
        text.setValueChangeMode(ValueChangeMode.LAZY);
        role.setPlaceholder("Role");
        role.setItems(queries.roles());
        role.setClearButtonVisible(true);
        status.setPlaceholder("Code status");
        status.setItems(CodeStatus.values());
        status.setItemLabelGenerator(CodeBadge::text);
        status.setClearButtonVisible(true);
        status.setId("filter-status");
        online.setPlaceholder("Online?");
        online.setItems("Online", "Offline");
        online.setClearButtonVisible(true);
        text.addValueChangeListener(e -> grid.getDataProvider().refreshAll());
        role.addValueChangeListener(e -> grid.getDataProvider().refreshAll());
        status.addValueChangeListener(e -> grid.getDataProvider().refreshAll());
        online.addValueChangeListener(e -> grid.getDataProvider().refreshAll());

        grid.setId("nodes");
        grid.addComponentColumn(n -> new RouterLink(n.id(), NodeDetailView.class, new RouteParameters("id", n.id())))
                .setHeader("Node").setSortProperty("id").setKey("id").setWidth("140px").setFlexGrow(0);
        grid.addColumn(n -> n.hostname() == null ? "" : n.hostname()).setHeader("Host").setSortProperty("hostname");
        grid.addColumn(n -> String.join(", ", n.roles())).setHeader("Roles");
        grid.addComponentColumn(CodeBadge::of).setHeader("Code").setSortProperty("codeStatus").setKey("code")
                .setAutoWidth(true).setTooltipGenerator(n -> CodeBadge.tooltip(n, latest,
                        n.codeStatus() == CodeStatus.OUTDATED ? mirror.classify(n.codeVersion(), latest).behind() : List.of()));
        grid.addComponentColumn(this::syncState).setHeader("Sync").setKey("sync").setWidth("170px").setFlexGrow(0);
        grid.addColumn(n -> CodeBadge.shortId(n.codeVersion())).setHeader("Commit");
        grid.addColumn(n -> ago(n.lastSeen())).setHeader("Last seen").setSortProperty("lastSeen");
        grid.addComponentColumn(n -> {
            boolean on = n.isOnline(onlineSince);
            Span s = new Span(on ? "● Online" : "○ Offline");
            s.getElement().getThemeList().add(on ? "badge success" : "badge contrast");
            return s;
        }).setHeader("State");
        grid.addColumn(n -> n.agentVersion() == null ? "" : n.agentVersion()).setHeader("Agent").setSortProperty("agentVersion");
        grid.addComponentColumn(n -> {
            Button sync = new Button("Sync", e -> new SyncDialog(List.of(n.id()), actions).open());
            sync.setId("sync-" + n.id());
            sync.addThemeVariants(ButtonVariant.LUMO_SMALL);
            return sync;
        }).setHeader("").setAutoWidth(true).setFlexGrow(0);
        grid.setItems(q -> {
            prepare(sources);
            List<NodeQueries.Sort> sort = q.getSortOrders().stream()
                    .map(o -> new NodeQueries.Sort(o.getSorted(), o.getDirection() == SortDirection.ASCENDING)).toList();
            return NodeRow.of(queries.page(filter(), sort, q.getOffset(), q.getLimit())).stream();
        }, q -> queries.count(filter()));
        grid.setSizeFull();
        grid.sort(GridSortOrder.asc(grid.getColumnByKey("id")).build());

        HorizontalLayout filters = new HorizontalLayout(text, role, status, online);
        add(filters, grid);
        Live.follow(grid, events, batch -> {
            for (LiveEvent e : batch) {
                if (e.isResync()) {
                    showRunning(operations);
                }
                if (e.type().equals("sync.started") || e.type().equals("sync.progress")) {
                    inFlight.put(e.nodeId(), new Progress(e.status(), e.percent()));
                } else if (e.isSync()) {
                    inFlight.remove(e.nodeId());
                }
            }
            grid.getDataProvider().refreshAll();
        });
        addAttachListener(a -> showRunning(operations));
        Live.poll(grid, grid.getDataProvider()::refreshAll);
    }

    /** What a running sync of the node is doing, from the live events (and the running operations on attach). */
    private record Progress(String status, Integer percent) {
    }

    private final Map<String, Progress> inFlight = new ConcurrentHashMap<>();

    private void showRunning(SyncOperations operations) {
        inFlight.clear();
        operations.running(1000).forEach(o -> inFlight.put(o.nodeId(), new Progress(o.status().name(), o.percent())));
    }

    private Component syncState(NodeRow n) {
        Progress p = inFlight.get(n.id());
        if (p == null) {
            return new Span();
        }
        ProgressBar bar = new ProgressBar(0, 100, p.percent() == null ? 0 : p.percent());
        bar.setIndeterminate(p.percent() == null);
        bar.setId("progress-" + n.id());
        bar.getElement().setAttribute("data-stage", p.status());
        Span stage = new Span(p.status().toLowerCase(Locale.ROOT).replace('_', ' '));
        stage.getStyle().set("font-size", "var(--lumo-font-size-xs)");
        VerticalLayout cell = new VerticalLayout(stage, bar);
        cell.setPadding(false);
        cell.setSpacing(false);
        return cell;
    }

    private void prepare(SourceStore sources) {
        onlineSince = fleet.onlineSince();
        latest = sources.current().map(TrackedSource::latestCommit).orElse(null);
    }

    private NodeQueries.Filter filter() {
        Boolean on = online.getValue() == null ? null : online.getValue().equals("Online");
        Set<CodeStatus> statuses = status.getValue() == null ? Set.of() : Set.of(status.getValue());
        return new NodeQueries.Filter(text.getValue(), role.getValue(), statuses, on, null);
    }

    static String ago(Instant t) {
        if (t == null) {
            return "never";
        }
        long s = Math.max(0, Duration.between(t, Instant.now()).toSeconds());
        return s < 60 ? s + " s ago" : s < 3600 ? s / 60 + " min ago" : s < 86400 ? s / 3600 + " h ago" : s / 86400 + " d ago";
    }

}
