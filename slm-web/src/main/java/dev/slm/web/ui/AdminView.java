package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.slm.access.boundary.LoginFailures;
import dev.slm.access.boundary.LoginThrottle;
import dev.slm.access.boundary.OperatorAccounts;
import dev.slm.access.entity.Role;
import dev.slm.fleet.boundary.NodeRegistry;
import dev.slm.fleet.boundary.Settings;
import dev.slm.packages.boundary.CodePackages;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import dev.slm.platform.SlmConfig;
import jakarta.ejb.EJBAccessException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code /admin}: register nodes (the token is shown once, with the agent's configuration: {@link TokenDialog}), give
 * a node a new token or remove it, create and revoke enrollment keys ({@link EnrollmentKeysPanel}), manage operators' accounts ({@link UsersPanel}), change settings
 * ({@link SettingsPanel}), see failed logins. Enter submits each form, and what is wrong with a value is said next to
 * its field. Admins only: the page says so to others, and every action checks the role again.
 */
@Route(value = "admin", layout = MainLayout.class)
@PageTitle("Admin — SLM")
@Dependent
public class AdminView extends VerticalLayout {

    /** A page, not a log: the newest entries of up to 30,000 remembered (LoginThrottle.CAPACITY per kind). */
    private static final int FAILED_LOGINS_SHOWN = 500;
    private static final DateTimeFormatter LOCKED_UNTIL = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final NodeRegistry nodes;
    private final CodePackages packages;
    private final SlmConfig config;
    private final Grid<NodeRow> nodeGrid = new Grid<>();
    private final LoginFailures loginFailures;
    private final Grid<LoginThrottle.Entry> failedLogins = new Grid<>();
    private UsersPanel users;

    @Inject
    public AdminView(NodeRegistry nodes, OperatorAccounts accounts, Settings settings, LoginFailures loginFailures,
                     CodePackages packages, SlmConfig config, dev.slm.fleet.boundary.EnrollmentKeys enrollmentKeys) {
        this.nodes = nodes;
        this.loginFailures = loginFailures;
        this.packages = packages;
        this.config = config;
        if (!Operator.current().map(o -> o.can(Role.ADMIN)).orElse(false)) {
            add(new H3("Admin"), new Paragraph("This page needs the admin role."));
            return;
        }
        users = new UsersPanel(accounts);
        add(new H3("Nodes"), registerForm(), nodeGrid, new H3("Enrollment keys"), new EnrollmentKeysPanel(enrollmentKeys),
                new H3("Operators"), users,
                new H3("Settings"), new SettingsPanel(settings), failedLoginsHeader(), failedLogins);
        nodeGrid.setId("admin-nodes");
        nodeGrid.addColumn(NodeRow::id).setHeader("Node").setAutoWidth(true);
        nodeGrid.addColumn(n -> n.registeredBy() + ", " + NodesView.ago(n.registeredAt())).setHeader("Registered");
        nodeGrid.addColumn(n -> NodesView.ago(n.lastSeen())).setHeader("Last seen");
        nodeGrid.addComponentColumn(this::nodeActions).setHeader("").setAutoWidth(true);
        nodeGrid.setHeight("260px");
        configureFailedLogins();
        show();
    }

    private void show() {
        nodeGrid.setItems(NodeRow.of(nodes.all()));
        users.refresh();
        failedLogins.setItems(loginFailures.all().stream().limit(FAILED_LOGINS_SHOWN).toList());
    }

    private Component failedLoginsHeader() {
        Button refresh = new Button("Refresh", e -> show());
        refresh.setId("refresh-failed-logins");
        refresh.addThemeVariants(ButtonVariant.LUMO_SMALL);
        HorizontalLayout header = new HorizontalLayout(new H3("Failed logins"), refresh);
        header.setAlignItems(FlexComponent.Alignment.BASELINE);
        return header;
    }

    /** Who failed to log in from where, and until when the throttle refuses them; latest first. */
    private void configureFailedLogins() {
        failedLogins.setId("failed-logins");
        failedLogins.addColumn(e -> e.account() == null ? "any account" : e.account()).setHeader("Account");
        failedLogins.addColumn(e -> e.address() == null ? "any address" : e.address()).setHeader("Address");
        failedLogins.addColumn(LoginThrottle.Entry::failures).setHeader("Failures");
        failedLogins.addColumn(e -> NodesView.ago(e.lastFailure())).setHeader("Last failure");
        failedLogins.addColumn(e -> e.lockedUntil() == null ? "" : "locked until "
                + LOCKED_UNTIL.format(e.lockedUntil())).setHeader("Locked");
        failedLogins.setHeight("260px");
    }

    private Component registerForm() {
        TextField id = new TextField();
        id.setPlaceholder("node id, e.g. web-3");
        id.setHelperText("lower-case letters, digits, '.', '_', '-'; at most 63");
        id.setId("register-node-id");
        id.setWidth("20rem");
        Button register = new Button("Register", e -> {
            String nodeId = id.getValue().trim();
            NodeRegistry.Registration r;
            try {
                r = nodes.register(nodeId, Operator.current().map(Operator::name).orElse(""));
            } catch (InvalidInput | Conflict ex) {
                Fields.check(id, Optional.of(ex.getMessage()));
                return;
            } catch (EJBAccessException ex) {
                Actions.refused(Role.ADMIN);
                return;
            }
            Fields.check(id, Optional.empty());
            Actions.ok("Registered " + nodeId);
            show();
            id.clear();
            showToken(r);
        });
        register.setId("register-node");
        register.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        HorizontalLayout form = new HorizontalLayout(id, register);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        register.addClickShortcut(Key.ENTER).listenOn(form).resetFocusOnActiveElement();
        return form;
    }

    private Component nodeActions(NodeRow n) {
        Button token = new Button("New token", e -> {
            ConfirmDialog confirm = new ConfirmDialog("New token for " + n.id(),
                    "The node's current token stops working at once; its agent needs the new one.", "New token",
                    ok -> {
                        NodeRegistry.Registration r = act(() -> nodes.rotateToken(n.id())
                                .orElseThrow(() -> new NotFound("no node " + n.id())), "New token for " + n.id());
                        if (r != null) {
                            showToken(r);
                        }
                    });
            confirm.setCancelable(true);
            confirm.open();
        });
        token.setId("token-" + n.id());
        Button remove = new Button("Remove", e -> {
            ConfirmDialog confirm = new ConfirmDialog("Remove " + n.id(),
                    "The node disappears from SLM and its agent is refused from now on.", "Remove", ok ->
                    act(() -> nodes.remove(n.id()), "Removed " + n.id()));
            confirm.setConfirmButtonTheme("error primary");
            confirm.setCancelable(true);
            confirm.open();
        });
        remove.setId("remove-" + n.id());
        remove.addThemeVariants(ButtonVariant.LUMO_ERROR);
        token.addThemeVariants(ButtonVariant.LUMO_SMALL);
        remove.addThemeVariants(ButtonVariant.LUMO_SMALL);
        return new HorizontalLayout(token, remove);
    }

    private void showToken(NodeRegistry.Registration r) {
        new TokenDialog(r.node().id(), r.token(), config.publicUrl(), packages.publicKeyBase64()).open();
    }

    /** Runs an admin action (the EJB checks the role): the outcome told, the page shown anew. */
    private <T> T act(Supplier<T> action, String done) {
        try {
            T result = action.get();
            Actions.ok(done);
            show();
            return result;
        } catch (EJBAccessException e) {
            Actions.refused(Role.ADMIN);
            return null;
        } catch (InvalidInput | Conflict | NotFound e) {
            Actions.error(e.getMessage());
            return null;
        }
    }
}
