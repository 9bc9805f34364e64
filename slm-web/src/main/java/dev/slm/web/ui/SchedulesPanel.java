package dev.slm.web.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import dev.slm.access.entity.Role;
import dev.slm.platform.InvalidInput;
import dev.slm.rollout.boundary.Schedules;
import dev.slm.rollout.entity.ConfigChange;
import dev.slm.rollout.entity.RestartType;
import dev.slm.rollout.entity.ScheduleRun;
import dev.slm.rollout.entity.ScheduleSpec;
import dev.slm.rollout.entity.UpdateSchedule;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Schedules section of /updates: each schedule with its cron, zone, targets, its next firing times in its zone
 * and in the browser's, its last run; operators create, edit, enable, disable and delete (with a confirm). Below, the
 * newest firings and the changes made to schedules (who, when, what). The form previews the next times as the cron
 * and the zone are typed, and marks the field the server refused.
 */
final class SchedulesPanel extends VerticalLayout {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm xxx", Locale.ROOT);

    private final Schedules schedules;
    private final Actions actions;
    private final Div list = new Div();
    /** The cards, in the order of {@link Schedules#all()}, with what their buttons do. */
    private final List<Card> cards = new java.util.ArrayList<>();
    private final DrawnFrom cardsDrawn = new DrawnFrom();
    private final DrawnFrom textDrawn = new DrawnFrom();
    private final Div runs = new Div();
    private final Div changes = new Div();
    /** The browser's zone, once it has told it (null until then: times are shown in the schedule's zone only). */
    private ZoneId browser;

    SchedulesPanel(Schedules schedules, Actions actions) {
        this.schedules = schedules;
        this.actions = actions;
        setId("schedules");
        setPadding(false);
        Button create = new Button("New schedule", e -> edit(null));
        create.setId("schedule-new");
        list.setId("schedule-list");
        list.setWidthFull();
        runs.setId("schedule-runs");
        changes.setId("schedule-changes");
        add(Permitted.button(create, Role.OPERATOR), list, new H4("Recent firings"), runs, new H4("Changes to schedules"), changes);
        show();
    }

    @Override
    protected void onAttach(com.vaadin.flow.component.AttachEvent attach) {
        attach.getUI().getPage().retrieveExtendedClientDetails(details -> {
            try {
                browser = ZoneId.of(details.getTimeZoneId());
            } catch (RuntimeException e) {
                browser = null; // a browser that reports no zone (or an unknown one): the schedule's zone alone
            }
            show();
        });
    }

    /**
     * Runs at every non-sync event of the Updates page (each node whose status changes, each move of a rollout). The
     * cards and their buttons are drawn anew only when what the buttons do changed — which schedules there are, their
     * names, enabled or not ({@link DrawnFrom}); what a card says (next times, which move every minute for an
     * every-minute schedule, the last firing) is written into the card in place, so a click on its way is not lost.
     */
    void show() {
        List<UpdateSchedule> all = schedules.all();
        List<List<ZonedDateTime>> next = all.stream().map(schedules::next).toList();
        List<List<ScheduleRun>> last = all.stream().map(s -> schedules.runs(s.id(), 1)).toList();
        if (cardsDrawn.changed(all.stream().map(s -> java.util.Arrays.asList(s.id(), s.name(), s.enabled())).toList())) {
            list.removeAll();
            cards.clear();
            textDrawn.forget();
            if (all.isEmpty()) {
                list.add(new Span("No schedule yet: \"New schedule\" syncs nodes at the times of a cron, in a time zone."));
            }
            for (UpdateSchedule s : all) {
                Card card = card(s);
                cards.add(card);
                list.add(card.root);
            }
        }
        List<Object> shows = new java.util.ArrayList<>(List.of(String.valueOf(browser)));
        for (int i = 0; i < all.size(); i++) {
            shows.add(shows(all.get(i), next.get(i), last.get(i)));
        }
        if (textDrawn.changed(shows)) {
            for (int i = 0; i < all.size(); i++) {
                cards.get(i).say(all.get(i), next.get(i), last.get(i));
            }
        }
        runs.removeAll();
        List<ScheduleRun> recent = schedules.runs(null, 10);
        if (recent.isEmpty()) {
            runs.add(new Span("No schedule has fired yet."));
        }
        recent.forEach(r -> {
            Div line = new Div(new Span(OperationsGrid.TIME.format(r.plannedAt()) + " · " + r.scheduleName() + " · " + r.state()
                    + (r.sent() > 0 ? " · " + r.sent() + " sent" : "") + (r.detail() == null ? "" : " · " + r.detail())));
            if (r.rolloutId() != null) {
                // the run's rollout, on the Rollouts page (opened there: an unfinished one always is)
                com.vaadin.flow.component.html.Anchor rollout = new com.vaadin.flow.component.html.Anchor(
                        "rollouts#rollout-" + r.rolloutId(), " → rollout #" + r.rolloutId());
                rollout.setId("schedule-run-rollout-" + r.id());
                line.add(rollout);
            }
            String skippedText = skipped(r.skipped());
            if (!skippedText.isEmpty()) {
                line.getElement().setAttribute("title", skippedText);
            }
            line.setId("schedule-run-" + r.id());
            line.getElement().setAttribute("data-state", r.state().name());
            runs.add(line);
        });
        ConfigForms.showChanges(changes, schedules.changes(10));
    }

    /** The nodes a run left out, one "node: reason" per line (the run's JSON), for its tooltip. */
    private static String skipped(String json) {
        if (json == null || json.isBlank()) {
            return "";
        }
        return jakarta.json.Json.createReader(new java.io.StringReader(json)).readArray()
                .getValuesAs(jakarta.json.JsonObject.class).stream().limit(20)
                .map(o -> o.getString("node_id") + ": " + o.getString("reason")).collect(java.util.stream.Collectors.joining("\n"));
    }

    /** What a schedule's card shows, as values (a page keeps no entity). */
    private static List<Object> shows(UpdateSchedule s, List<ZonedDateTime> next, List<ScheduleRun> last) {
        return java.util.Arrays.asList(s.id(), s.name(), s.cron(), s.zone(), s.strategy(), s.spec(), s.enabled(), next,
                last.stream().map(r -> java.util.Arrays.asList(r.id(), r.plannedAt(), r.state(), r.detail())).toList());
    }

    /** A schedule's card: its buttons made once, what it says written by {@link #say}. */
    private final class Card {
        final Div root = new Div();
        final Span title = new Span();
        final Span what = new Span();
        final Div next = new Div();
        final Div last = new Div();

        void say(UpdateSchedule s, List<ZonedDateTime> times, List<ScheduleRun> runs) {
            title.setText(s.name());
            what.setText(" · " + s.cron() + " (" + s.zone() + ") · " + s.strategy() + " · " + targets(s.spec())
                    + (s.enabled() ? "" : " · disabled"));
            next.removeAll();
            if (times.isEmpty()) {
                next.add(new Span(s.enabled() ? "No firing time ahead." : "Disabled: does not fire."));
            } else {
                next.add(new Span("Next: " + String.join(", ", times.stream().map(SHOWN::format).toList())));
                if (browser != null && !browser.equals(ZoneId.of(s.zone()))) {
                    Span local = new Span("Your time (" + browser.getId() + "): " + String.join(", ",
                            times.stream().map(t -> SHOWN.format(t.withZoneSameInstant(browser))).toList()));
                    local.setId("schedule-next-local-" + s.id());
                    next.add(new Div(local));
                }
            }
            last.removeAll();
            if (!runs.isEmpty()) {
                ScheduleRun r = runs.get(0);
                last.add(new Span("Last: " + OperationsGrid.TIME.format(r.plannedAt()) + " " + r.state()
                        + (r.detail() == null ? "" : " — " + r.detail())));
            }
        }
    }

    private Card card(UpdateSchedule s) {
        long id = s.id();
        Card card = new Card();
        card.title.getStyle().set("font-weight", "600");
        card.root.add(card.title, card.what);
        card.root.setId("schedule-" + id);
        card.root.getElement().setAttribute("data-enabled", Boolean.toString(s.enabled()));
        card.root.getStyle().set("padding", "var(--lumo-space-s) 0").set("border-bottom", "1px solid var(--lumo-contrast-10pct)");
        card.next.setId("schedule-next-" + id);
        card.root.add(card.next, card.last);
        // the buttons keep the id and read the schedule again when clicked: a page outlives what it showed
        Button edit = new Button("Edit", e -> schedules.find(id).ifPresentOrElse(this::edit, () -> {
            Actions.error("This schedule was deleted meanwhile");
            show();
        }));
        edit.setId("schedule-edit-" + id);
        boolean on = s.enabled();
        String named = s.name();
        Button toggle = new Button(on ? "Disable" : "Enable", e -> act(() -> schedules.enable(id, !on, actions.who()),
                "Schedule '" + named + "' " + (on ? "disabled" : "enabled")));
        toggle.setId("schedule-toggle-" + id);
        Button delete = new Button("Delete", e -> ConfigForms.confirmDelete("Delete schedule '" + named + "'?",
                "It will not fire again. Its past firings stay in the history.", "schedule-delete-ok",
                () -> act(() -> schedules.delete(id, actions.who()), "Schedule '" + named + "' deleted")));
        delete.setId("schedule-delete-" + id);
        delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
        HorizontalLayout buttons = new HorizontalLayout(Permitted.button(edit, Role.OPERATOR),
                Permitted.button(toggle, Role.OPERATOR), Permitted.button(delete, Role.OPERATOR));
        card.root.add(buttons);
        return card;
    }

    private static String targets(ScheduleSpec spec) {
        List<String> parts = new java.util.ArrayList<>();
        if (spec.allOutdated()) {
            parts.add("every node not up to date");
        }
        if (!spec.roles().isEmpty()) {
            parts.add("roles " + String.join(", ", spec.roles()));
        }
        if (!spec.nodeIds().isEmpty()) {
            parts.add(spec.nodeIds().size() <= 5 ? "nodes " + String.join(", ", spec.nodeIds()) : spec.nodeIds().size() + " nodes");
        }
        return String.join(" + ", parts);
    }

    private void act(Runnable action, String done) {
        if (ConfigForms.act(action, done)) {
            show();
        }
    }

    /** The form for a new schedule ({@code s} null) or for changing one. */
    private void edit(UpdateSchedule s) {
        ScheduleSpec spec = s == null ? null : s.spec();
        Long editing = s == null ? null : s.id();
        Dialog dialog = ConfigForms.dialog();
        dialog.setHeaderTitle(s == null ? "New schedule" : "Edit schedule '" + s.name() + "'");
        dialog.setId("schedule-dialog");
        TextField name = new TextField("Name");
        name.setId("schedule-name");
        name.setMaxLength(Schedules.MAX_NAME);
        TextField cron = new TextField("Cron (minute hour day month weekday)");
        cron.setId("schedule-cron");
        cron.setPlaceholder("30 2 * * 1-5");
        ComboBox<String> zone = new ComboBox<>("Time zone");
        zone.setId("schedule-zone");
        zone.setItems(ZoneId.getAvailableZoneIds().stream().filter(z -> z.contains("/") || z.equals("UTC")).sorted().toList());
        Checkbox allOutdated = new Checkbox("Every node not up to date");
        allOutdated.setId("schedule-all-outdated");
        TextField nodes = new TextField("Nodes (ids, comma-separated)");
        nodes.setId("schedule-nodes");
        TextField roles = new TextField("Roles (comma-separated)");
        roles.setId("schedule-roles");
        Select<String> strategy = new Select<>();
        strategy.setLabel("How");
        strategy.setId("schedule-strategy");
        strategy.setItems(UpdateSchedule.PARALLEL, UpdateSchedule.ROLLING);
        strategy.setItemLabelGenerator(v -> v.equals(UpdateSchedule.ROLLING) ? "Rolling, in batches" : "All at once");
        TextField batchSize = new TextField("Batch size (count or %)");
        batchSize.setId("schedule-batch-size");
        IntegerField delay = new IntegerField("Health check delay (s)");
        delay.setId("schedule-delay");
        TextField maxFailures = new TextField("Stop after failures (count or %)");
        maxFailures.setId("schedule-max-failures");
        Checkbox enabled = new Checkbox("Enabled");
        enabled.setId("schedule-enabled");
        Div preview = new Div();
        preview.setId("schedule-preview");

        name.setValue(s == null ? "" : s.name());
        cron.setValue(s == null ? "" : s.cron());
        zone.setValue(s == null ? (browser != null && zone.getListDataView().contains(browser.getId()) ? browser.getId() : "UTC") : s.zone());
        allOutdated.setValue(s == null || spec.allOutdated());
        nodes.setValue(spec == null ? "" : String.join(", ", spec.nodeIds()));
        roles.setValue(spec == null ? "" : String.join(", ", spec.roles()));
        strategy.setValue(s == null ? UpdateSchedule.PARALLEL : s.strategy());
        batchSize.setValue(spec == null || spec.batchSize() == null ? "" : spec.batchSize());
        delay.setValue(spec == null ? null : spec.healthCheckDelay());
        maxFailures.setValue(spec == null || spec.maxFailures() == null ? "" : spec.maxFailures());
        enabled.setValue(s == null || s.enabled());
        Runnable rollingShown = () -> {
            boolean rolling = UpdateSchedule.ROLLING.equals(strategy.getValue());
            batchSize.setVisible(rolling);
            delay.setVisible(rolling);
            maxFailures.setVisible(rolling);
        };
        rollingShown.run();
        strategy.addValueChangeListener(e -> rollingShown.run());
        Runnable previewed = () -> {
            preview.removeAll();
            try {
                List<ZonedDateTime> times = schedules.preview(cron.getValue(), zone.getValue());
                Fields.check(cron, Optional.empty());
                cron.setHelperText(schedules.describe(cron.getValue(), zone.getValue()));
                preview.add(new Span("Fires next: " + String.join(", ", times.stream().map(SHOWN::format).toList())));
            } catch (InvalidInput e) {
                if (!cron.getValue().isBlank()) {
                    Fields.check(e.getMessage().startsWith("zone") ? zone : cron, Optional.of(e.getMessage()));
                }
            }
        };
        cron.setValueChangeMode(ValueChangeMode.LAZY);
        cron.addValueChangeListener(e -> previewed.run());
        zone.addValueChangeListener(e -> previewed.run());
        previewed.run();

        FormLayout form = new FormLayout(name, cron, zone, preview, allOutdated, nodes, roles, strategy, batchSize, delay,
                maxFailures, enabled);
        form.setColspan(preview, 2);
        dialog.add(form);
        Button save = new Button(editing == null ? "Create" : "Save", e -> {
            Schedules.Definition d = new Schedules.Definition(name.getValue(), cron.getValue(), zone.getValue(),
                    enabled.getValue(), strategy.getValue(), new ScheduleSpec(ConfigForms.list(nodes.getValue()), ConfigForms.list(roles.getValue()),
                    allOutdated.getValue(), true, RestartType.GRACEFUL, false,
                    rollingValue(strategy, batchSize.getValue()), UpdateSchedule.ROLLING.equals(strategy.getValue())
                            ? delay.getValue() : null, null, rollingValue(strategy, maxFailures.getValue()), null, null, null));
            Map<String, com.vaadin.flow.component.HasValidation> fields = Map.of("name", name, "cron", cron, "zone", zone,
                    "targets", nodes, "node_ids", nodes, "roles", roles, "batch_size", batchSize, "health_check_delay", delay,
                    "max_failures", maxFailures);
            // the server names the field first ("cron ...", "zone ..."): the mark goes next to it
            if (!ConfigForms.save(() -> {
                if (editing == null) {
                    schedules.create(d, actions.who());
                } else {
                    schedules.update(editing, d, actions.who());
                }
            }, fields)) {
                return;
            }
            Actions.ok("Schedule '" + name.getValue().strip() + "' saved");
            dialog.close();
            show();
        });
        save.setId("schedule-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
        dialog.open();
    }

    private static String rollingValue(Select<String> strategy, String value) {
        return UpdateSchedule.ROLLING.equals(strategy.getValue()) && !value.isBlank() ? value.strip() : null;
    }


}
