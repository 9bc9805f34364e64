package dev.slm.web.ui;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import dev.slm.fleet.boundary.EnrollmentKeys;
import dev.slm.fleet.entity.EnrollmentKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Enrollment keys on {@code /admin}: what a provisioning tool (the Ansible role) registers nodes with instead of an
 * admin's password. Create one (valid for some days, a use limit, the roles it allows, whether an enrolled node may
 * enrol again): its secret is shown once. The list says each key's state and uses; Revoke stops it at once.
 * {@link EnrollmentKeys} checks the admin role.
 */
final class EnrollmentKeysPanel extends VerticalLayout {

    /** What the grid shows of a key: a plain value, never the entity. */
    record KeyRow(long id, String name, String state, int uses, Integer maxUses, Instant expiresAt, String roles,
                  boolean allowReenroll, String createdBy) {
        static KeyRow of(EnrollmentKey k, Instant now) {
            String unusable = k.unusable(now);
            return new KeyRow(k.id(), k.name(), unusable == null ? "valid" : unusable, k.uses(), k.maxUses(),
                    k.expiresAt(), k.roles() == null ? "any" : String.join(", ", k.roles()), k.allowReenroll(),
                    k.createdBy());
        }
    }

    private final EnrollmentKeys keys;
    private final Grid<KeyRow> grid = new Grid<>();

    EnrollmentKeysPanel(EnrollmentKeys keys) {
        this.keys = keys;
        setPadding(false);
        grid.setId("enrollment-keys");
        grid.addColumn(KeyRow::name).setHeader("Name").setAutoWidth(true);
        grid.addColumn(KeyRow::state).setHeader("State");
        grid.addColumn(k -> k.uses() + (k.maxUses() == null ? "" : " of " + k.maxUses())).setHeader("Uses");
        grid.addColumn(k -> OperationsGrid.TIME.format(k.expiresAt())).setHeader("Expires");
        grid.addColumn(KeyRow::roles).setHeader("Roles");
        grid.addColumn(k -> k.allowReenroll() ? "yes" : "no").setHeader("Enrol again");
        grid.addColumn(KeyRow::createdBy).setHeader("Created by");
        grid.addComponentColumn(this::revokeButton).setHeader("");
        grid.setHeight("220px");
        add(form(), grid);
        refresh();
    }

    void refresh() {
        Instant now = Instant.now();
        grid.setItems(keys.all().stream().map(k -> KeyRow.of(k, now)).toList());
    }

    private HorizontalLayout form() {
        TextField name = new TextField("Name");
        name.setId("key-name");
        name.setPlaceholder("e.g. rack 7 provisioning");
        IntegerField days = new IntegerField("Valid for (days)");
        days.setId("key-days");
        days.setValue(1);
        days.setMin(1);
        days.setMax((int) EnrollmentKeys.MAX_LIFETIME.toDays());
        IntegerField uses = new IntegerField("Use limit");
        uses.setId("key-uses");
        uses.setHelperText("empty: no limit");
        TextField roles = new TextField("Roles it allows");
        roles.setId("key-roles");
        roles.setHelperText("comma-separated; empty: any");
        Checkbox again = new Checkbox("Nodes may enrol again");
        again.setId("key-reenroll");
        Button create = new Button("Create key", e -> {
            Integer d = days.getValue();
            if (d == null || d < 1 || d > EnrollmentKeys.MAX_LIFETIME.toDays()) {
                Fields.check(days, java.util.Optional.of("1 to " + EnrollmentKeys.MAX_LIFETIME.toDays() + " days"));
                return;
            }
            Fields.check(days, java.util.Optional.empty());
            List<String> allowed = roles.getValue().isBlank() ? null : ConfigForms.list(roles.getValue());
            EnrollmentKeys.Created[] made = new EnrollmentKeys.Created[1];
            if (ConfigForms.save(() -> made[0] = keys.create(name.getValue(), Instant.now().plus(Duration.ofDays(d)),
                    uses.getValue(), allowed, again.getValue(), Operator.current().map(Operator::name).orElse("")),
                    Map.of("name", name, "max_uses", uses, "roles", roles, "expires_at", days))) {
                refresh();
                name.clear();
                showOnce(made[0]);
            }
        });
        create.setId("key-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        HorizontalLayout form = new HorizontalLayout(name, days, uses, roles, again, create);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        form.setWrap(true);
        create.addClickShortcut(Key.ENTER).listenOn(form).resetFocusOnActiveElement();
        return form;
    }

    private Button revokeButton(KeyRow k) {
        Button revoke = new Button("Revoke", e -> {
            Dialog confirm = ConfigForms.dialog();
            confirm.setHeaderTitle("Revoke '" + k.name() + "'");
            confirm.add(new Paragraph("The key enrols no node from now on; nodes enrolled with it keep their tokens."));
            Button ok = new Button("Revoke", c -> {
                confirm.close();
                if (ConfigForms.act(() -> keys.revoke(k.id(), Operator.current().map(Operator::name).orElse("")),
                        "Revoked '" + k.name() + "'")) {
                    refresh();
                }
            });
            ok.setId("revoke-key-confirm");
            ok.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_PRIMARY);
            confirm.getFooter().add(new Button("Cancel", c -> confirm.close()), ok);
            confirm.open();
        });
        revoke.setClassName("revoke-key");
        revoke.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
        revoke.setEnabled("valid".equals(k.state()));
        return revoke;
    }

    private static void showOnce(EnrollmentKeys.Created c) {
        Dialog dialog = ConfigForms.dialog();
        dialog.setHeaderTitle("Enrollment key '" + c.key().name() + "'");
        dialog.setWidth("min(48rem, 95vw)");
        Pre secret = new Pre(c.secret());
        secret.setId("new-enrollment-key");
        CopyButton copy = new CopyButton("copy-enrollment-key", secret);
        HorizontalLayout row = new HorizontalLayout(copy, copy.status());
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        dialog.add(new Paragraph("Shown once: only its hash is kept. Give it to the provisioning (the Ansible role's"
                + " slm_agent_enrollment_key, from a vault); it can only register nodes: POST /api/nodes/enroll."),
                secret, row);
        Button done = new Button("Done", e -> dialog.close());
        done.setId("enrollment-key-done");
        dialog.getFooter().add(done);
        dialog.open();
    }
}
