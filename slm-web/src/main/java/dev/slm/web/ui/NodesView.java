package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridSortOrder;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.data.renderer.LitRenderer;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import dev.slm.access.entity.Role;
import dev.slm.fleet.boundary.FleetStatus;
import dev.slm.fleet.boundary.NodeQueries;
import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.source.boundary.Mirror;
import dev.slm.source.boundary.SourceStore;
import dev.slm.source.entity.CodeStatus;
import dev.slm.source.entity.CommitInfo;
import dev.slm.source.entity.TrackedSource;
import dev.slm.web.live.LiveEvent;
import dev.slm.web.live.LiveEvents;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The start page: a summary of the fleet (counts per code status and online state; a click filters), the commits
 * the listed nodes run, and every node with its code badge, lazily loaded page by page, filtered and sorted in the
 * database. The filters live in the URL with the names {@code GET /api/nodes} takes
 * ({@code ?status=OUTDATED,DIVERGED&online=true&role=web&text=eu&commit=…}), so a filtered view can be shared, reloaded
 * and asked of the API alike; a value the page does not know is left out, not refused (a link may be older than us). On a phone-sized screen each node is one card.
 */
@Route(value = "", layout = MainLayout.class)
@PageTitle("Nodes — SLM")
@Dependent
public class NodesView extends VerticalLayout implements BeforeEnterObserver {

    /** Below this window width (CSS pixels) each node is a card: the grid's columns need about 1,100. */
    static final int NARROW = 700;
    /** Commits named in the grouping line; the rest are counted. */
    private static final int GROUPS_SHOWN = 5;
    /** The most nodes one "Sync all matching" takes (the API's limit of a fleet sync, too). */
    static final int MATCHING_MOST = 10_000;

    private final NodeQueries queries;
    private final FleetStatus fleet;
    private final Mirror mirror;
    private final Actions actions;
    private final Grid<NodeRow> grid = new Grid<>();
    private final TextField text = new TextField();
    private final ComboBox<String> role = new ComboBox<>();
    private final MultiSelectComboBox<CodeStatus> status = new MultiSelectComboBox<>();
    private final ComboBox<String> online = new ComboBox<>();
    /** In their maintenance window now, or outside it: read from the windows at each query (they open and close). */
    private final ComboBox<String> window = new ComboBox<>();
    private static final String IN_WINDOW = "In window now";
    private static final String OUTSIDE_WINDOW = "Outside window";
    private final dev.slm.rollout.boundary.MaintenanceWindows windows;
    private final Span commitFilter = new Span();
    private String commit;
    private final FlexLayout summary = new FlexLayout();
    private static final List<CodeStatus> SUMMARY_STATUSES = List.of(CodeStatus.OUTDATED, CodeStatus.DIVERGED,
            CodeStatus.UNKNOWN, CodeStatus.UP_TO_DATE);
    /** "all", the statuses' names, "Online", "Offline": made once, relabelled by {@link #showSummary}. */
    private final Map<String, Button> summaryChips = new LinkedHashMap<>();
    private final FlexLayout groups = new FlexLayout();
    private final DrawnFrom groupsDrawn = new DrawnFrom();
    private final Div empty = new Div();
    private final Button syncSelected = new Button();
    private final Button syncMatching = new Button();
    private final Map<String, String> subjects = new LinkedHashMap<>();
    private boolean restoring;
    private Instant onlineSince = Instant.EPOCH;
    private String latest;
    private Boolean narrow;

    @Inject
    public NodesView(NodeQueries queries, FleetStatus fleet, SourceStore sources, Mirror mirror, Actions actions,
                     SyncOperations operations, LiveEvents events, dev.slm.rollout.boundary.MaintenanceWindows windows) {
        this.windows = windows;
        this.queries = queries;
        this.fleet = fleet;
        this.mirror = mirror;
        this.actions = actions;
        setSizeFull();

        text.setPlaceholder("Node or host name");
        text.setId("filter-text");
        text.setClearButtonVisible(true);
        text.setValueChangeMode(ValueChangeMode.LAZY);
        role.setPlaceholder("Role");
        role.setItems(queries.roles());
        role.setClearButtonVisible(true);
        role.setId("filter-role");
        status.setPlaceholder("Code status");
        status.setItems(CodeStatus.values());
        status.setItemLabelGenerator(CodeBadge::text);
        status.setClearButtonVisible(true);
        status.setId("filter-status");
        online.setPlaceholder("Online?");
        online.setItems("Online", "Offline");
        online.setClearButtonVisible(true);
        online.setId("filter-online");
        commitFilter.setId("filter-commit");
        text.addValueChangeListener(e -> filtersChanged());
        role.addValueChangeListener(e -> filtersChanged());
        status.addValueChangeListener(e -> filtersChanged());
        online.addValueChangeListener(e -> filtersChanged());
        window.setPlaceholder("Window?");
        window.setItems(IN_WINDOW, OUTSIDE_WINDOW);
        window.setClearButtonVisible(true);
        window.setId("filter-window");
        window.addValueChangeListener(e -> filtersChanged());

        summary.setId("summary");
        summary.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        summary.getStyle().set("gap", "var(--lumo-space-s)");
        makeSummary();
        groups.setId("commit-groups");
        groups.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        groups.setAlignItems(FlexComponent.Alignment.CENTER);
        groups.getStyle().set("gap", "var(--lumo-space-xs)").set("font-size", "var(--lumo-font-size-s)");
        empty.setId("empty-fleet");
        empty.setVisible(false);

        grid.setId("nodes");
        grid.setSelectionMode(Grid.SelectionMode.MULTI);
        // rendered by the browser from the row's values (LitRenderer): components per cell cost state nodes on the
        // server, several thousand for a page of nodes, even in a hidden column
        grid.addColumn(CodeBadge.properties(LitRenderer.<NodeRow>of(CARD), NodeRow::codeStatus)
                        .withProperty("id", NodeRow::id)
                        .withProperty("meta", n -> CodeBadge.shortId(n.codeVersion()) + " · " + ago(n.lastSeen())
                                + (n.hostname() == null ? "" : " · " + n.hostname()))
                        .withProperty("state", this::stateText)
                        .withProperty("stage", n -> inFlight.containsKey(n.id())
                                ? inFlight.get(n.id()).status().toLowerCase(Locale.ROOT).replace('_', ' ') : ""))
                .setHeader("Nodes").setKey("card").setVisible(false);
        grid.addColumn(LitRenderer.<NodeRow>of("<a href='nodes/${item.id}' router-link>${item.id}</a>")
                        .withProperty("id", NodeRow::id))
                .setHeader("Node").setSortProperty("id").setKey("id").setWidth("130px").setFlexGrow(0);
        // host and roles share a column: a column each took 200 px of the 1,100 a 1,400 px screen leaves the grid
        grid.addColumn(LitRenderer.<NodeRow>of("<div>${item.host}</div><div style='font-size:var(--lumo-font-size-xs);"
                        + "color:var(--lumo-secondary-text-color)'>${item.roles}</div>")
                        .withProperty("host", n -> n.hostname() == null ? "" : n.hostname())
                        .withProperty("roles", n -> String.join(", ", n.roles()))).setHeader("Host · roles").setSortProperty("hostname").setKey("host")
                .setWidth("120px").setFlexGrow(1);
        grid.addColumn(CodeBadge.properties(LitRenderer.<NodeRow>of(CodeBadge.TEMPLATE), NodeRow::codeStatus)).setHeader("Code").setSortProperty("codeStatus").setKey("code")
                .setWidth("175px").setFlexGrow(0).setTooltipGenerator(n -> CodeBadge.tooltip(n, latest,
                        n.codeStatus() == CodeStatus.OUTDATED ? mirror.classify(n.codeVersion(), latest).behind() : List.of()));
        grid.addColumn(n -> n.codeStatus() == CodeStatus.OUTDATED && n.commitsBehind() != null ? n.commitsBehind() + "" : "")
                .setHeader("Behind").setSortProperty("commitsBehind").setKey("behind").setWidth("95px").setFlexGrow(0);
        grid.addColumn(n -> CodeBadge.shortId(n.codeVersion())).setHeader("Commit").setKey("commit")
                .setWidth("90px").setFlexGrow(0).setTooltipGenerator(n -> n.codeVersion() == null ? "" : n.codeVersion());
        grid.addColumn(n -> ago(n.lastSeen())).setHeader("Last seen").setSortProperty("lastSeen").setKey("seen")
                .setWidth("105px").setFlexGrow(0);
        grid.addColumn(LitRenderer.<NodeRow>of("<span theme='${item.theme}'>${item.state}</span>")
                        .withProperty("state", this::stateText)
                        .withProperty("theme", n -> n.isOnline(onlineSince) ? "badge success" : "badge contrast"))
                .setHeader("State").setKey("state").setWidth("105px").setFlexGrow(0);
        grid.addColumn(n -> n.agentVersion() == null ? "" : n.agentVersion()).setHeader("Agent").setSortProperty("agentVersion")
                .setKey("agent").setWidth("80px").setFlexGrow(0);
        // the Sync button, or the running sync's stage and progress in its place
        grid.addComponentColumn(n -> inFlight.containsKey(n.id()) ? syncState(n)
                        : SyncDialog.button(n, actions, "sync-" + n.id(), ButtonVariant.LUMO_SMALL)).setHeader("Sync")
                .setKey("action").setWidth("130px").setFlexGrow(0);
        grid.setItems(q -> {
            prepare(sources);
            List<NodeQueries.Sort> sort = q.getSortOrders().stream()
                    .map(o -> new NodeQueries.Sort(o.getSorted(), o.getDirection() == SortDirection.ASCENDING)).toList();
            return NodeRow.of(queries.page(filter(), sort, q.getOffset(), q.getLimit())).stream();
        }, q -> queries.count(filter())).setIdentifierProvider(NodeRow::id);
        grid.setSizeFull();
        grid.sort(GridSortOrder.asc(grid.getColumnByKey("id")).build());
        grid.addSelectionListener(e -> showBulkButtons());

        syncSelected.setId("sync-selected");
        syncSelected.addClickListener(e -> {
            Set<String> ids = grid.getSelectedItems().stream().map(NodeRow::id).collect(Collectors.toSet());
            if (!ids.isEmpty()) {
                new SyncDialog(ids, actions).open();
            }
        });
        syncMatching.setId("sync-matching");
        syncMatching.addClickListener(e -> new SyncDialog(queries.ids(filter(), MATCHING_MOST), actions).open());
        FlexLayout filters = new FlexLayout(text, role, status, online, window, commitFilter);
        filters.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        filters.setAlignItems(FlexComponent.Alignment.CENTER);
        filters.getStyle().set("gap", "var(--lumo-space-s)");
        FlexLayout bulk = new FlexLayout(Permitted.button(syncSelected, Role.OPERATOR),
                Permitted.button(syncMatching, Role.OPERATOR));
        bulk.getStyle().set("gap", "var(--lumo-space-s)");
        bulk.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        add(summary, filters, groups, bulk, empty, grid);
        showBulkButtons();

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
            refresh();
        });
        addAttachListener(a -> {
            showRunning(operations);
            showSummary();
            watchWidth(a.getUI());
        });
        Live.poll(grid, this::refresh);
    }

    // ---- the filters and the URL

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        Map<String, List<String>> p = event.getLocation().getQueryParameters().getParameters();
        List<String> leftOut = new ArrayList<>();
        restoring = true;
        try {
            text.setValue(first(p, "text").orElse(""));
            role.setValue(first(p, "role").filter(r -> !r.isBlank()).orElse(null));
            String asked = first(p, "status").orElse("");
            status.setValue(statuses(asked));
            for (String name : asked.split(",")) {
                if (!name.isBlank() && statuses(name).isEmpty()) {
                    leftOut.add("status " + clip(name.trim()));
                }
            }
            String on = first(p, "online").orElse(null);
            online.setValue("true".equals(on) ? "Online" : "false".equals(on) ? "Offline" : null);
            if (on != null && online.isEmpty()) {
                leftOut.add("online " + clip(on));
            }
            String c = first(p, "commit").orElse(null);
            commit = c != null && CommitInfo.ID.matcher(c).matches() ? c : null;
            if (c != null && commit == null) {
                leftOut.add("commit " + clip(c));
            }
        } finally {
            restoring = false;
        }
        filtersChanged();
        // the address bar shows the filters applied, not the ones left out
        showInAddressBar(event.getUI(), query(text.getValue(), role.getValue(), status.getValue(), online.getValue(), commit));
        if (!leftOut.isEmpty()) {
            Actions.error("Left out of this link's filters (not understood): "
                    + String.join(", ", leftOut.subList(0, Math.min(5, leftOut.size()))));
        }
    }

    /** A value from the address bar, short enough for a notice. */
    private static String clip(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }

    /** The statuses named in {@code status=A,B}; unknown names are left out (a shared link may be older than us). */
    static Set<CodeStatus> statuses(String names) {
        Set<CodeStatus> set = EnumSet.noneOf(CodeStatus.class);
        for (String name : names.split(",")) {
            for (CodeStatus s : CodeStatus.values()) {
                if (s.name().equalsIgnoreCase(name.trim())) {
                    set.add(s);
                }
            }
        }
        return set;
    }

    private static Optional<String> first(Map<String, List<String>> p, String name) {
        return Optional.ofNullable(p.get(name)).filter(l -> !l.isEmpty()).map(l -> l.get(0));
    }

    /** The query string of the current filters, in a fixed order; empty parts are left out. */
    static String query(String text, String role, Set<CodeStatus> statuses, String online, String commit) {
        Map<String, String> p = new LinkedHashMap<>();
        if (!statuses.isEmpty()) {
            p.put("status", EnumSet.copyOf(statuses).stream().map(Enum::name).collect(Collectors.joining(",")));
        }
        if (online != null) {
            p.put("online", Boolean.toString(online.equals("Online")));
        }
        if (role != null && !role.isBlank()) {
            p.put("role", role);
        }
        if (text != null && !text.isBlank()) {
            p.put("text", text.trim());
        }
        if (commit != null) {
            p.put("commit", commit);
        }
        // a space as %20 ('+' means a space only in forms), a comma kept: the address bar stays readable
        return p.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)
                .replace("+", "%20").replace("%2C", ",")).collect(Collectors.joining("&"));
    }

    private void filtersChanged() {
        if (restoring) {
            return;
        }
        commitFilter.removeAll();
        if (commit != null) {
            Button clear = new Button("Commit " + CodeBadge.shortId(commit) + " ✕", e -> {
                commit = null;
                filtersChanged();
            });
            clear.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_CONTRAST);
            clear.setId("filter-commit-clear");
            commitFilter.add(clear);
        }
        String q = query(text.getValue(), role.getValue(), status.getValue(), online.getValue(), commit);
        getUI().ifPresent(ui -> showInAddressBar(ui, q));
        grid.getDataProvider().refreshAll();
        showSummary();
    }

    /**
     * The filters in the address bar, in {@link #query}'s order: Flow's {@code Location} keeps query parameters in a
     * hash map, so a link read back came out in another order each time.
     */
    private static void showInAddressBar(UI ui, String query) {
        ui.getPage().executeJs("history.replaceState(history.state, '', $0)", query.isEmpty() ? "." : "?" + query);
    }

    private NodeQueries.Filter filter() {
        Boolean on = online.getValue() == null ? null : online.getValue().equals("Online");
        NodeQueries.Filter f = new NodeQueries.Filter(text.getValue(), role.getValue(), status.getValue(), on, null, commit);
        return window.getValue() == null ? f : f.within(windows.inWindowNow(IN_WINDOW.equals(window.getValue())));
    }

    // ---- the summary, the grouping, the bulk buttons

    private void refresh() {
        grid.getDataProvider().refreshAll();
        showSummary();
    }

    /**
     * The chips are made once ({@link #makeSummary}) and only relabelled here: this runs at every live batch and every
     * poll, and a chip made anew each time lost the click of an operator whose click was on its way when the server
     * replaced it (Flow drops an event for a component no longer attached: a click right after a reload, on a fleet
     * heartbeating every second, did nothing in two WebAppIT runs of five).
     */
    private void showSummary() {
        Map<CodeStatus, Long> counts = fleet.countsByStatus();
        long all = counts.values().stream().mapToLong(Long::longValue).sum();
        long on = fleet.onlineCount();
        Set<CodeStatus> chosen = status.getValue();
        showChip(summaryChips.get("all"), "All " + all, all, chosen.isEmpty() && online.isEmpty() && commit == null);
        for (CodeStatus s : SUMMARY_STATUSES) {
            showChip(summaryChips.get(s.name()), CodeBadge.text(s) + " " + counts.get(s), counts.get(s), chosen.equals(Set.of(s)));
        }
        for (String o : List.of("Online", "Offline")) {
            long n = o.equals("Online") ? on : all - on;
            showChip(summaryChips.get(o), (o.equals("Online") ? "● " : "○ ") + o + " " + n, n, o.equals(online.getValue()));
        }
        empty.setVisible(all == 0);
        if (all == 0 && empty.getChildren().findAny().isEmpty()) {
            empty.add(new Span("No node is registered yet. To add the first one: an admin registers it on the Admin page"
                    + " (its token is shown once, with a ready agent.properties), then the agent runs on the node with it —"
                    + " or run the Ansible role. The node appears here with its first heartbeat."));
        }
        showGroups();
        showBulkButtons();
    }

    /** The summary's chips, each once; what a click does is decided by the filters when it comes, not when drawn. */
    private void makeSummary() {
        summaryChips.put("all", chip("summary-all", () -> {
            restoring = true;
            status.clear();
            online.clear();
            commit = null;
            restoring = false;
            filtersChanged();
        }));
        for (CodeStatus s : SUMMARY_STATUSES) {
            summaryChips.put(s.name(), chip("summary-" + s.name(),
                    () -> status.setValue(status.getValue().equals(Set.of(s)) ? Set.of() : Set.of(s))));
        }
        for (String o : List.of("Online", "Offline")) {
            summaryChips.put(o, chip("summary-" + o.toLowerCase(Locale.ROOT),
                    () -> online.setValue(o.equals(online.getValue()) ? null : o)));
        }
        summaryChips.values().forEach(summary::add);
    }

    private static Button chip(String id, Runnable click) {
        Button b = new Button("", e -> click.run());
        b.setId(id);
        b.addThemeVariants(ButtonVariant.LUMO_SMALL);
        return b;
    }

    private static void showChip(Button chip, String label, long count, boolean active) {
        chip.setText(label);
        chip.getElement().setAttribute("data-count", Long.toString(count));
        chip.getElement().setAttribute("aria-pressed", Boolean.toString(active));
        chip.removeThemeVariants(active ? ButtonVariant.LUMO_CONTRAST : ButtonVariant.LUMO_PRIMARY);
        chip.addThemeVariants(active ? ButtonVariant.LUMO_PRIMARY : ButtonVariant.LUMO_CONTRAST);
    }

    /** "400 on 8be3529 · 100 on 3186e9d": the commits the listed nodes run, each a filter. */
    private void showGroups() {
        List<NodeQueries.CommitCount> counts = queries.commits(filter(), GROUPS_SHOWN + 1);
        if (!groupsDrawn.changed(counts)) {
            return;
        }
        groups.removeAll();
        if (counts.isEmpty()) {
            return;
        }
        groups.add(new Span("Deployed:"));
        for (NodeQueries.CommitCount c : counts.subList(0, Math.min(GROUPS_SHOWN, counts.size()))) {
            if (c.commit() == null) {
                groups.add(new Span(c.nodes() + " never reported"));
                continue;
            }
            String subject = subjects.computeIfAbsent(c.commit(), id -> mirror.commit(id).map(CommitInfo::subject).orElse(""));
            Button b = new Button(c.nodes() + " on " + CodeBadge.shortId(c.commit()));
            b.setId("group-" + CodeBadge.shortId(c.commit()));
            b.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
            b.setTooltipText(c.commit() + (subject.isEmpty() ? "" : " — " + subject));
            b.addClickListener(e -> {
                commit = c.commit();
                filtersChanged();
            });
            Span said = new Span(subject.isEmpty() ? "" : subject);
            said.getStyle().set("color", "var(--lumo-secondary-text-color)").set("margin-right", "var(--lumo-space-s)");
            groups.add(b, said);
        }
        if (counts.size() > GROUPS_SHOWN) {
            groups.add(new Span("· and other commits"));
        }
        if (subjects.size() > 100) {
            subjects.clear(); // a page open for weeks sees many commits; the few shown are looked up again
        }
    }

    private void showBulkButtons() {
        int selected = grid.getSelectedItems().size();
        syncSelected.setText("Sync selected (" + selected + ")");
        syncSelected.setEnabled(selected > 0 && Permitted.can(Role.OPERATOR));
        int matching = queries.count(filter());
        syncMatching.setText("Sync all listed (" + matching + ")");
        syncMatching.getElement().setAttribute("data-count", Integer.toString(matching));
        syncMatching.setEnabled(matching > 0 && Permitted.can(Role.OPERATOR));
    }

    // ---- the cells

    private String stateText(NodeRow n) {
        return n.isOnline(onlineSince) ? "● Online" : n.lastSeen() == null ? "○ Never seen" : "○ Offline";
    }

    /** One node on a phone: its name (a link to its page), badge, state, commit and last report, a running sync's stage. */
    private static final String CARD = "<div class='node-card'>"
            + "<div style='display:flex;flex-wrap:wrap;gap:var(--lumo-space-s);align-items:center'>"
            + "<a href='nodes/${item.id}' router-link style='font-weight:600'>${item.id}</a>" + CodeBadge.TEMPLATE + "</div>"
            + "<div style='font-size:var(--lumo-font-size-s);color:var(--lumo-secondary-text-color)'>${item.state} · ${item.meta}"
            + " ${item.stage}</div></div>";

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

    // ---- the width

    private final List<Registration> widthWatch = new ArrayList<>();

    private void watchWidth(UI ui) {
        ui.getPage().retrieveExtendedClientDetails(d -> fitTo(d.getWindowInnerWidth()));
        widthWatch.add(ui.getPage().addBrowserWindowResizeListener(e -> fitTo(e.getWidth())));
        addDetachListener(d -> {
            widthWatch.forEach(Registration::remove);
            widthWatch.clear();
            d.unregisterListener();
        });
    }

    /** A card per node below {@link #NARROW} pixels, the columns above. */
    private void fitTo(int width) {
        boolean isNarrow = width > 0 && width < NARROW;
        if (Boolean.valueOf(isNarrow).equals(narrow)) {
            return;
        }
        narrow = isNarrow;
        grid.getColumns().forEach(c -> c.setVisible("card".equals(c.getKey()) == isNarrow));
        grid.getElement().setAttribute("data-layout", isNarrow ? "cards" : "columns");
    }

    private void prepare(SourceStore sources) {
        onlineSince = fleet.onlineSince();
        latest = sources.current().map(TrackedSource::latestCommit).orElse(null);
    }

    static String ago(Instant t) {
        if (t == null) {
            return "never";
        }
        long s = Math.max(0, Duration.between(t, Instant.now()).toSeconds());
        return s < 60 ? s + " s ago" : s < 3600 ? s / 60 + " min ago" : s < 86400 ? s / 3600 + " h ago" : s / 86400 + " d ago";
    }
}
