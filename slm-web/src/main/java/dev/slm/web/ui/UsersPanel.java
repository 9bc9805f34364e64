package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import dev.slm.access.boundary.OperatorAccounts;
import dev.slm.access.entity.OperatorAccount;
import dev.slm.access.entity.Role;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import jakarta.ejb.EJBAccessException;
import java.time.Instant;
import java.util.Optional;

/**
 * The operators' accounts on {@code /admin}: create one (Enter submits; what is wrong is said next to its field),
 * change a role, set a new password, disable or enable, delete. {@link OperatorAccounts} checks the admin role and
 * keeps one enabled admin; an admin acting on their own account is asked first, and the page reloads afterwards, so
 * that it shows what the account may do now (or the login page).
 */
final class UsersPanel extends VerticalLayout {

    /** What the grid shows of an account: a plain value, never the entity. */
    record UserRow(String username, Role role, boolean disabled, Instant disabledAt, Instant createdAt) {
        static UserRow of(OperatorAccount a) {
            return new UserRow(a.username(), a.role(), a.disabled(), a.disabledAt(), a.createdAt());
        }
    }

    private final OperatorAccounts accounts;
    private final Grid<UserRow> grid = new Grid<>();

    UsersPanel(OperatorAccounts accounts) {
        this.accounts = accounts;
        setPadding(false);
        add(createForm(), grid);
        configureGrid();
        refresh();
    }

    void refresh() {
        grid.setItems(accounts.all().stream().map(UserRow::of).toList());
    }

    private void configureGrid() {
        grid.setId("admin-users");
        grid.addColumn(UserRow::username).setHeader("User").setAutoWidth(true);
        grid.addComponentColumn(this::roleSelect).setHeader("Role").setAutoWidth(true);
        grid.addColumn(u -> u.disabled() ? "disabled " + NodesView.ago(u.disabledAt()) : "enabled").setHeader("Status");
        grid.addColumn(u -> NodesView.ago(u.createdAt())).setHeader("Created");
        grid.addComponentColumn(this::actions).setHeader("").setAutoWidth(true);
        grid.setHeight("260px");
    }

    private Component createForm() {
        TextField name = new TextField("User name");
        name.setId("user-name");
        PasswordField password = new PasswordField("Password");
        password.setHelperText("at least " + OperatorAccounts.MIN_PASSWORD_LENGTH + " characters");
        password.setId("user-password");
        Select<Role> role = new Select<>();
        role.setLabel("Role");
        role.setItems(Role.values());
        role.setItemLabelGenerator(Role::roleName);
        role.setValue(Role.VIEWER);
        role.setId("user-role");
        Button create = new Button("Create", e -> create(name, password, role.getValue()));
        create.setId("create-user");
        HorizontalLayout form = new HorizontalLayout(name, password, role, create);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        create.addClickShortcut(Key.ENTER).listenOn(form).resetFocusOnActiveElement();
        return form;
    }

    private void create(TextField nameField, PasswordField passwordField, Role role) {
        String name = nameField.getValue().trim();
        boolean nameOk = Fields.check(nameField, OperatorAccounts.usernameProblem(name));
        boolean passwordOk = Fields.check(passwordField, OperatorAccounts.passwordProblem(passwordField.getValue()));
        if (!nameOk || !passwordOk) {
            return;
        }
        try {
            accounts.create(name, passwordField.getValue(), role);
        } catch (Conflict | InvalidInput e) {
            Fields.check(nameField, Optional.of(e.getMessage()));
            return;
        } catch (EJBAccessException e) {
            Actions.refused(Role.ADMIN);
            return;
        }
        Actions.ok("Created " + name);
        nameField.clear();
        passwordField.clear();
        refresh();
    }

    private Component roleSelect(UserRow u) {
        Select<Role> role = new Select<>();
        role.setItems(Role.values());
        role.setItemLabelGenerator(Role::roleName);
        role.setValue(u.role());
        role.setId("role-" + u.username());
        role.addThemeName("small");
        role.addValueChangeListener(e -> {
            if (!e.isFromClient() || e.getValue() == null) {
                return;
            }
            Runnable change = () -> change(u.username(), new OperatorAccounts.Change(e.getValue(), null, null),
                    u.username() + " is now " + e.getValue().roleName(), () -> role.setValue(e.getOldValue()));
            if (isSelf(u) && e.getValue() != Role.ADMIN) {
                confirm("Give up the admin role?", "You become " + e.getValue().roleName()
                        + ": this page and every admin action close to you at once.", "Give up admin", change,
                        () -> role.setValue(e.getOldValue()));
            } else {
                change.run();
            }
        });
        return role;
    }

    private Component actions(UserRow u) {
        Button password = new Button("New password", e -> passwordDialog(u));
        password.setId("password-" + u.username());
        Button disable = new Button(u.disabled() ? "Enable" : "Disable", e -> {
            if (u.disabled()) {
                change(u.username(), new OperatorAccounts.Change(null, false, null), "Enabled " + u.username(), () -> {
                });
            } else {
                confirm("Disable " + u.username(), (isSelf(u) ? "You are logged out and cannot log in again"
                                : u.username() + " cannot log in any more, and their open sessions end at their next click")
                                + " until an admin enables the account.", "Disable",
                        () -> change(u.username(), new OperatorAccounts.Change(null, true, null),
                                "Disabled " + u.username(), () -> {
                                }), () -> {
                        });
            }
        });
        disable.setId((u.disabled() ? "enable-" : "disable-") + u.username());
        Button delete = new Button("Delete", e -> confirm("Delete " + u.username(),
                (isSelf(u) ? "Your own account is deleted and you are logged out." : u.username()
                        + "'s account is deleted and their open sessions end.")
                        + " What they did keeps their name.", "Delete", () -> delete(u), () -> {
                }));
        delete.setId("delete-" + u.username());
        delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
        for (Button b : new Button[] {password, disable, delete}) {
            b.addThemeVariants(ButtonVariant.LUMO_SMALL);
        }
        return new HorizontalLayout(password, disable, delete);
    }

    private void passwordDialog(UserRow u) {
        Dialog d = new Dialog();
        d.setHeaderTitle("New password for " + u.username());
        PasswordField password = new PasswordField("New password");
        password.setHelperText("at least " + OperatorAccounts.MIN_PASSWORD_LENGTH + " characters");
        password.setId("reset-password");
        password.setWidthFull();
        Button save = new Button("Set password", e -> {
            if (Fields.check(password, OperatorAccounts.passwordProblem(password.getValue()))
                    && change(u.username(), new OperatorAccounts.Change(null, null, password.getValue()),
                    "New password for " + u.username(), () -> {
                    })) {
                d.close();
            }
        });
        save.setId("reset-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickShortcut(Key.ENTER).listenOn(password).resetFocusOnActiveElement();
        Button cancel = new Button("Cancel", e -> d.close());
        d.add(new Paragraph(isSelf(u) ? "Your open sessions end: you log in again with the new password."
                : u.username() + "'s open sessions end: they log in again with the new password."), password);
        d.getFooter().add(cancel, save);
        d.open();
        password.focus();
    }

    /** Asks first; {@code cancelled} runs when the dialog closes without the action. */
    private static void confirm(String title, String text, String action, Runnable confirmed, Runnable cancelled) {
        Dialog d = new Dialog();
        d.setHeaderTitle(title);
        d.add(new Paragraph(text));
        boolean[] done = {false};
        Button ok = new Button(action, e -> {
            done[0] = true;
            d.close();
            confirmed.run();
        });
        ok.setId("confirm-ok");
        ok.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
        Button cancel = new Button("Cancel", e -> d.close());
        cancel.setId("confirm-cancel");
        d.addOpenedChangeListener(e -> {
            if (!e.isOpened() && !done[0]) {
                cancelled.run();
            }
        });
        d.getFooter().add(cancel, ok);
        d.open();
    }

    /** Runs a change; a refusal is told and {@code undo} puts the page back. @return whether it was done */
    private boolean change(String username, OperatorAccounts.Change change, String done, Runnable undo) {
        try {
            accounts.change(username, change);
        } catch (Conflict | InvalidInput | NotFound e) {
            Actions.error(e.getMessage());
            undo.run();
            return false;
        } catch (EJBAccessException e) {
            Actions.refused(Role.ADMIN);
            undo.run();
            return false;
        }
        Actions.ok(done);
        afterChangeOf(username);
        return true;
    }

    private void delete(UserRow u) {
        try {
            accounts.delete(u.username());
        } catch (Conflict | InvalidInput | NotFound e) {
            Actions.error(e.getMessage());
            return;
        } catch (EJBAccessException e) {
            Actions.refused(Role.ADMIN);
            return;
        }
        Actions.ok("Deleted " + u.username());
        afterChangeOf(u.username());
    }

    /** A change of one's own account may end what this page may do, or the session: show the page anew. */
    private void afterChangeOf(String username) {
        if (Operator.current().map(o -> o.name().equals(username)).orElse(false)) {
            getUI().ifPresent(ui -> ui.getPage().reload());
        } else {
            refresh();
        }
    }

    private static boolean isSelf(UserRow u) {
        return Operator.current().map(o -> o.name().equals(u.username())).orElse(false);
    }
}
