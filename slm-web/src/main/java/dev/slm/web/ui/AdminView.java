package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.slm.access.boundary.LoginFailures;
import dev.slm.access.boundary.LoginThrottle;
import dev.slm.access.boundary.OperatorAccounts;
import dev.slm.access.entity.OperatorAccount;
import dev.slm.access.entity.Role;
import dev.slm.fleet.boundary.NodeRegistry;
import dev.slm.fleet.boundary.Settings;
import dev.slm.fleet.entity.Setting;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import jakarta.ejb.EJBAccessException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;

/**
 * {@code /admin}: register nodes (the token is shown once), give a node a new token or remove it, create operator
 * accounts, change settings, see failed logins. Admins only: the page says so to others, and every action checks the role again.
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
    private final OperatorAccounts accounts;
    private final Settings settings;
    private final Grid<NodeRow> nodeGrid = new Grid<>();
    private final Grid<OperatorAccount> userGrid = new Grid<>();
    private final VerticalLayout settingsForm = new VerticalLayout();
    private final LoginFailures loginFailures;
    private final Grid<LoginThrottle.Entry> failedLogins = new Grid<>();

    @Inject
    public AdminView(NodeRegistry nodes, OperatorAccounts accounts, Settings settings, LoginFailures loginFailures) {
        this.nodes = nodes;
        this.accounts = accounts;
        this.settings = settings;
        this.loginFailures = loginFailures;
        if (!Operator.current().map(o -> o.can(Role.ADMIN)).orElse(false)) {
            add(new H3("Admin"), new Paragraph("This page needs the admin role."));
            return;
        }
        add(new H3("Nodes"), registerForm(), nodeGrid, new H3("Operators"), userForm(), userGrid,
                new H3("Settings"), settingsForm, failedLoginsHeader(), failedLogins);
        nodeGrid.setId("admin-nodes");
        nodeGrid.addColumn(NodeRow::id).setHeader("Node").setAutoWidth(true);
        nodeGrid.addColumn(n -> n.registeredBy() + ", " + NodesView.ago(n.registeredAt())).setHeader("Registered");
        nodeGrid.addColumn(n -> NodesView.ago(n.lastSeen())).setHeader("Last seen");
        nodeGrid.addComponentColumn(this::nodeActions).setHeader("").setAutoWidth(true);
        nodeGrid.setHeight("260px");
        userGrid.setId("admin-users");
        userGrid.addColumn(OperatorAccount::username).setHeader("User");
        userGrid.addColumn(a -> a.role().roleName()).setHeader("Role");
        userGrid.addColumn(a -> NodesView.ago(a.createdAt())).setHeader("Created");
        userGrid.setHeight("200px");
        configureFailedLogins();
        show();
    }

    private void show() {
        nodeGrid.setItems(NodeRow.of(nodes.all()));
        userGrid.setItems(accounts.all());
        failedLogins.setItems(loginFailures.all().stream().limit(FAILED_LOGINS_SHOWN).toList());
        settingsForm.removeAll();
        settingsForm.setPadding(false);
        for (Setting s : settings.all()) {
            TextField value = new TextField(s.name(), s.value(), "");
            value.setId("setting-" + s.name());
            Button save = new Button("Save", e -> act(() -> settings.change(s.name(), value.getValue()),
                    s.name() + " is now " + value.getValue()));
            save.setId("save-" + s.name());
            HorizontalLayout row = new HorizontalLayout(value, save);
            row.setAlignItems(FlexComponent.Alignment.BASELINE);
            settingsForm.add(row);
        }
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
        id.setId("register-node-id");
        Button register = new Button("Register", e -> {
            NodeRegistry.Registration r = act(() -> nodes.register(id.getValue().trim(),
                    Operator.current().map(Operator::name).orElse("")), "Registered " + id.getValue().trim());
            if (r != null) {
                id.clear();
                showToken(r);
            }
        });
        register.setId("register-node");
        register.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        return new HorizontalLayout(id, register);
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
        Dialog d = new Dialog();
        d.setHeaderTitle("Token of " + r.node().id());
        Pre token = new Pre(r.token());
        token.setId("new-token");
        d.add(new Paragraph("Shown once: only its hash is kept. Put it in the node's token file (owner-only)."), token);
        Button close = new Button("Done", e -> d.close());
        close.setId("token-done");
        d.getFooter().add(close);
        d.open();
    }

    private Component userForm() {
        TextField name = new TextField();
        name.setPlaceholder("user name");
        name.setId("user-name");
        PasswordField password = new PasswordField();
        password.setPlaceholder("password (12+ characters)");
        password.setId("user-password");
        Select<Role> role = new Select<>();
        role.setItems(Role.values());
        role.setItemLabelGenerator(Role::roleName);
        role.setValue(Role.VIEWER);
        role.setId("user-role");
        Button create = new Button("Create", e -> {
            if (act(() -> accounts.create(name.getValue().trim(), password.getValue(), role.getValue()),
                    "Created " + name.getValue().trim()) != null) {
                name.clear();
                password.clear();
            }
        });
        create.setId("create-user");
        return new HorizontalLayout(name, password, role, create);
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
