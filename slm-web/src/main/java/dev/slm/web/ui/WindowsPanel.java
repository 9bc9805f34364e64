package dev.slm.web.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import dev.slm.access.entity.Role;
import dev.slm.rollout.boundary.MaintenanceWindows;
import dev.slm.rollout.entity.MaintenanceWindow;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Maintenance windows section of /updates: each window with its kind, times, zone, the nodes it covers and
 * whether it is open now (until when) or when it opens; operators create, edit, enable, disable and delete them.
 */
final class WindowsPanel extends VerticalLayout {

    private final MaintenanceWindows windows;
    private final Actions actions;
    private final Div list = new Div();
    private final Div changes = new Div();

    WindowsPanel(MaintenanceWindows windows, Actions actions) {
        this.windows = windows;
        this.actions = actions;
        setId("windows");
        setPadding(false);
        Button create = new Button("New window", e -> edit(null));
        create.setId("window-new");
        list.setWidthFull();
        add(new Span("A node an allow window covers is synced (by hand, a schedule or a rollout's next batch) only while"
                + " one is open; an open deny window always wins. An operator may override a window for one sync."),
                Permitted.button(create, Role.OPERATOR), list, new com.vaadin.flow.component.html.H4("Changes to windows"),
                changes);
        changes.setId("window-changes");
        show();
    }

    void show() {
        list.removeAll();
        List<MaintenanceWindow> all = windows.all();
        if (all.isEmpty()) {
            list.add(new Span("No maintenance window: every node may be synced any time."));
        }
        all.forEach(w -> list.add(card(w)));
        ConfigForms.showChanges(changes, windows.changes(10));
    }

    private Div card(MaintenanceWindow w) {
        long id = w.id();
        MaintenanceWindows.Now now = windows.now(w);
        Span title = new Span(w.name());
        title.getStyle().set("font-weight", "600");
        String state = !w.enabled() ? "disabled" : now.open() ? (now.until() == null ? "open (its openings overlap)"
                : "open until " + OperationsGrid.TIME.format(now.until()))
                : now.next() == null ? "opens no more" : "opens " + OperationsGrid.TIME.format(now.next());
        Span what = new Span(" · " + w.kind().name().toLowerCase(Locale.ROOT) + " · " + w.cron() + " for "
                + w.duration().toMinutes() + " min (" + w.zone() + ") · " + covers(w) + " · " + state);
        Div card = new Div(title, what);
        card.setId("window-" + id);
        card.getElement().setAttribute("data-open", Boolean.toString(w.enabled() && now.open()));
        card.getElement().setAttribute("data-enabled", Boolean.toString(w.enabled()));
        card.getStyle().set("padding", "var(--lumo-space-s) 0").set("border-bottom", "1px solid var(--lumo-contrast-10pct)");
        boolean on = w.enabled();
        String named = w.name();
        Button edit = new Button("Edit", e -> windows.find(id).ifPresentOrElse(this::edit, () -> {
            Actions.error("This window was deleted meanwhile");
            show();
        }));
        edit.setId("window-edit-" + id);
        Button toggle = new Button(on ? "Disable" : "Enable", e -> act(() -> windows.enable(id, !on, actions.who()),
                "Window '" + named + "' " + (on ? "disabled" : "enabled")));
        toggle.setId("window-toggle-" + id);
        Button delete = new Button("Delete", e -> ConfigForms.confirmDelete("Delete window '" + named + "'?",
                "Its nodes are no longer held to it.", "window-delete-ok",
                () -> act(() -> windows.delete(id, actions.who()), "Window '" + named + "' deleted")));
        delete.setId("window-delete-" + id);
        delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
        card.add(new HorizontalLayout(Permitted.button(edit, Role.OPERATOR), Permitted.button(toggle, Role.OPERATOR),
                Permitted.button(delete, Role.OPERATOR)));
        return card;
    }

    private static String covers(MaintenanceWindow w) {
        if (w.allNodes()) {
            return "every node";
        }
        List<String> parts = new java.util.ArrayList<>();
        if (!w.roles().isEmpty()) {
            parts.add("roles " + String.join(", ", w.roles()));
        }
        if (!w.nodeIds().isEmpty()) {
            parts.add(w.nodeIds().size() <= 5 ? "nodes " + String.join(", ", w.nodeIds()) : w.nodeIds().size() + " nodes");
        }
        return String.join(" + ", parts);
    }

    private void act(Runnable action, String done) {
        if (ConfigForms.act(action, done)) {
            show();
        }
    }

    private void edit(MaintenanceWindow w) {
        Long editing = w == null ? null : w.id();
        Dialog dialog = ConfigForms.dialog();
        dialog.setHeaderTitle(w == null ? "New maintenance window" : "Edit window '" + w.name() + "'");
        TextField name = new TextField("Name");
        name.setId("window-name");
        Select<String> kind = new Select<>();
        kind.setLabel("Kind");
        kind.setId("window-kind");
        kind.setItems("allow", "deny");
        TextField cron = new TextField("Opens at (cron: minute hour day month weekday)");
        cron.setId("window-cron");
        cron.setPlaceholder("0 22 * * 1-5");
        cron.setValueChangeMode(com.vaadin.flow.data.value.ValueChangeMode.LAZY);
        IntegerField minutes = new IntegerField("Open for (minutes)");
        minutes.setId("window-minutes");
        ComboBox<String> zone = new ComboBox<>("Time zone");
        zone.setId("window-zone");
        zone.setItems(ZoneId.getAvailableZoneIds().stream().filter(z -> z.contains("/") || z.equals("UTC")).sorted().toList());
        Checkbox all = new Checkbox("Every node");
        all.setId("window-all");
        TextField nodes = new TextField("Nodes (ids, comma-separated)");
        nodes.setId("window-nodes");
        TextField roles = new TextField("Roles (comma-separated)");
        roles.setId("window-roles");
        Checkbox enabled = new Checkbox("Enabled");
        name.setValue(w == null ? "" : w.name());
        kind.setValue(w == null ? "allow" : w.kind().name().toLowerCase(Locale.ROOT));
        cron.setValue(w == null ? "" : w.cron());
        minutes.setValue(w == null ? 240 : (int) w.duration().toMinutes());
        zone.setValue(w == null ? "UTC" : w.zone());
        all.setValue(w != null && w.allNodes());
        nodes.setValue(w == null ? "" : String.join(", ", w.nodeIds()));
        roles.setValue(w == null ? "" : String.join(", ", w.roles()));
        enabled.setValue(w == null || w.enabled());
        // the cron in words beside it, as one types; a cron that cannot be is marked there
        Runnable said = () -> {
            try {
                cron.setHelperText(cron.getValue().isBlank() ? null : windows.describe(cron.getValue(), zone.getValue()));
                Fields.check(cron, Optional.empty());
            } catch (dev.slm.platform.InvalidInput e) {
                Fields.check(e.getMessage().startsWith("zone") ? zone : cron, Optional.of(e.getMessage()));
            }
        };
        cron.addValueChangeListener(e -> said.run());
        zone.addValueChangeListener(e -> said.run());
        said.run();
        dialog.add(new FormLayout(name, kind, cron, minutes, zone, all, nodes, roles, enabled));
        Button save = new Button(editing == null ? "Create" : "Save", e -> {
            Integer seconds = minutes.getValue() == null ? null : (int) Math.min(Integer.MAX_VALUE, minutes.getValue() * 60L);
            MaintenanceWindows.Definition d = new MaintenanceWindows.Definition(name.getValue(), kind.getValue(),
                    cron.getValue(), seconds, zone.getValue(), all.getValue(), ConfigForms.list(nodes.getValue()), ConfigForms.list(roles.getValue()),
                    enabled.getValue());
            Map<String, com.vaadin.flow.component.HasValidation> fields = Map.of("name", name, "cron", cron, "zone", zone,
                    "duration", minutes, "targets", nodes, "node_ids", nodes, "roles", roles);
            if (!ConfigForms.save(() -> {
                if (editing == null) {
                    windows.create(d, actions.who());
                } else {
                    windows.update(editing, d, actions.who());
                }
            }, fields)) {
                return;
            }
            Actions.ok("Window '" + name.getValue().strip() + "' saved");
            dialog.close();
            show();
        });
        save.setId("window-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
        dialog.open();
    }


}
