package dev.slm.web.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.popover.Popover;
import com.vaadin.flow.component.popover.PopoverPosition;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.server.VaadinSession;
import dev.slm.access.entity.Role;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.RouterLink;
import dev.slm.fleet.boundary.FleetStatus;
import dev.slm.fleet.boundary.NodeQueries;
import dev.slm.source.entity.CodeStatus;
import dev.slm.web.live.LiveEvents;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.List;

/** Navigation, the bell (how many nodes need updates, with a quick sync each) and who is logged in. */
@Dependent
public class MainLayout extends AppLayout {

    /** How many nodes the bell lists; the Updates page has the rest. */
    private static final int BELL_SHOWN = 20;

    private final NodeQueries fleet;
    private final FleetStatus status;
    private final Actions actions;
    private final Button bell = new Button();
    private final Span count = new Span();
    private final VerticalLayout bellList = new VerticalLayout();
    private final DrawnFrom bellDrawn = new DrawnFrom();

    @Inject
    public MainLayout(NodeQueries fleet, FleetStatus status, Actions actions, LiveEvents events) {
        this.fleet = fleet;
        this.status = status;
        this.actions = actions;
        H1 title = new H1("SLM");
        title.getStyle().set("font-size", "var(--lumo-font-size-l)").set("margin", "0");

        bell.setIcon(VaadinIcon.BELL.create());
        bell.setId("bell");
        bell.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        count.setId("bell-count");
        bell.setSuffixComponent(count);
        Popover dropdown = new Popover();
        dropdown.setTarget(bell);
        dropdown.setPosition(PopoverPosition.BOTTOM_END);
        dropdown.setWidth("380px");
        bellList.setId("bell-list");
        bellList.setPadding(false);
        bellList.setSpacing(false);
        dropdown.add(bellList);
        dropdown.addOpenedChangeListener(e -> {
            if (e.isOpened()) {
                refreshBell();
            }
        });

        String who = Operator.current().map(o -> o.name() + " (" + o.role().roleName() + ")").orElse("");
        Span user = new Span(who);
        user.setId("current-user");
        Button logout = new Button("Log out", e -> {
            VaadinSession.getCurrent().getSession().invalidate();
            UI.getCurrent().getPage().setLocation("login");
        });
        logout.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        logout.setId("logout");
        Button scheme = new Button(VaadinIcon.ADJUST.create(), e -> e.getSource().getUI().ifPresent(ui ->
                ui.getPage().executeJs("return window.slmTheme.toggle()")));
        scheme.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        scheme.setId("theme-toggle");
        scheme.setAriaLabel("Dark or light");
        scheme.setTooltipText("Dark or light (follows the system until chosen here)");
        HorizontalLayout right = new HorizontalLayout(bell, scheme, user, logout);
        right.setAlignItems(FlexComponent.Alignment.CENTER);
        right.getStyle().set("margin-left", "auto").set("padding-right", "var(--lumo-space-m)");
        addToNavbar(new DrawerToggle(), title, right);

        SideNav nav = new SideNav();
        nav.addItem(new SideNavItem("Nodes", NodesView.class, VaadinIcon.SERVER.create()));
        nav.addItem(new SideNavItem("Updates", UpdatesView.class, VaadinIcon.REFRESH.create()));
        nav.addItem(new SideNavItem("Rollouts", RolloutsView.class, VaadinIcon.FLIGHT_TAKEOFF.create()));
        if (Operator.current().map(o -> o.can(Role.ADMIN)).orElse(false)) {
            nav.addItem(new SideNavItem("Admin", AdminView.class, VaadinIcon.COG.create()));
        }
        addToDrawer(nav);

        refreshBell();
        Live.follow(bell, events, batch -> {
            refreshBell();
            bell.getUI().ifPresent(ui -> Notices.of(ui).heard(batch));
        });
        addAttachListener(e -> e.getUI().setPollInterval(5000));
        Live.poll(bell, this::refreshBell);
    }

    private void refreshBell() {
        int n = fleet.needingUpdateCount();
        long unknown = status.countsByStatus().get(CodeStatus.UNKNOWN);
        List<NodeRow> pending = NodeRow.of(fleet.needingUpdate(BELL_SHOWN));
        count.setText(n == 0 ? "All nodes up to date" : n + (n == 1 ? " node needs updates" : " nodes need updates"));
        bell.getElement().setAttribute("data-count", Integer.toString(n));
        bell.getElement().setAttribute("data-unknown", Long.toString(unknown));
        if (!bellDrawn.changed(List.of(n, unknown, pending.stream().map(r -> List.of(r.id(), r.codeStatus())).toList()))) {
            return;
        }
        bellList.removeAll();
        if (n == 0) {
            bellList.add(new Span(unknown == 0 ? "Every node runs the latest commit." : "Every node that reported runs the latest commit."));
        }
        if (unknown > 0) {
            // not an update to make: a node that never reported, or runs a commit the server does not know
            RouterLink look = new RouterLink(unknown + (unknown == 1 ? " node" : " nodes") + " with an unknown commit"
                    + " (never reported, or not on the branch): look at them", NodesView.class);
            look.setQueryParameters(QueryParameters.of("status", CodeStatus.UNKNOWN.name()));
            look.setId("bell-unknown");
            bellList.add(look);
        }
        for (NodeRow node : pending) {
            Button sync = new Button("Sync", e -> new SyncDialog(List.of(node.id()), actions).open());
            sync.setId("bell-sync-" + node.id());
            sync.addThemeVariants(ButtonVariant.LUMO_SMALL);
            Span name = new Span(node.id());
            HorizontalLayout row = new HorizontalLayout(name, CodeBadge.of(node), Permitted.button(sync, Role.OPERATOR));
            row.setAlignItems(FlexComponent.Alignment.CENTER);
            row.setWidthFull();
            name.getStyle().set("flex", "1");
            bellList.add(row);
        }
        if (n > BELL_SHOWN) {
            bellList.add(new Div(new Span("… and " + (n - BELL_SHOWN) + " more on the Updates page")));
        }
    }
}
