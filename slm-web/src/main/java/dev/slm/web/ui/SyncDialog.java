package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import dev.slm.access.entity.Role;
import dev.slm.rollout.boundary.Rollouts;
import dev.slm.rollout.boundary.SyncPlans;
import dev.slm.rollout.boundary.SyncPlans.Part;
import dev.slm.rollout.entity.RestartType;
import dev.slm.source.entity.CodeStatus;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Before a sync: the preview (the target commit, and what becomes of each asked-for node: {@link SyncPlans}) and the
 * options — restart (checked by default) and how. The button says how many operations it will ask for, and asks for
 * exactly those.
 */
public class SyncDialog extends Dialog {

    /** What each part of the preview says; the sent parts first. */
    private static final Map<Part, String> SAYS = Map.of(
            Part.OUTDATED, "outdated: moved forward to the target",
            Part.DIVERGED, "diverged: moved to the branch, leaving commits that are not on it",
            Part.UNKNOWN, "on a commit the server does not know: moved to the branch",
            Part.OFFLINE, "offline or never seen: left out (their operations would wait for them)",
            Part.BUSY, "syncing already: skipped",
            Part.UP_TO_DATE, "already on the target: skipped",
            Part.MISSING, "not registered any more: skipped");

    static final String PARALLEL = "All at once";
    static final String ROLLING = "Rolling, in batches";

    /** Node ids named per line; past that, how many more. */
    private static final int NAMED = 5;

    public SyncDialog(Collection<String> nodeIds, Actions actions) {
        SyncPlans.Plan plan = actions.plan(nodeIds);
        setHeaderTitle(nodeIds.size() == 1 ? "Sync " + nodeIds.iterator().next() : "Sync " + nodeIds.size() + " nodes");
        setWidth("min(640px, 100vw)");

        Div target = new Div();
        target.setId("sync-target");
        if (plan.target() == null) {
            target.setText("The repository has not been fetched yet: there is nothing to sync to.");
        } else {
            Span commit = new Span(CodeBadge.shortId(plan.target()));
            commit.setTitle(plan.target());
            commit.getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)").set("font-weight", "600");
            target.add(new Span("Target: "), commit, new Span(" " + plan.subject() + " — " + plan.author()));
        }

        if (!plan.pinnedElsewhere().isEmpty()) {
            Span pinned = new Span(plan.pinnedElsewhere().size() + " pinned at another commit by a pin of their own or"
                    + " their role's (" + named(plan.pinnedElsewhere().entrySet().stream()
                    .map(e -> e.getKey() + " at " + CodeBadge.shortId(e.getValue())).toList())
                    + "): all at once sends each its pin's commit; rolling leaves them out");
            pinned.setId("sync-pinned-elsewhere");
            pinned.getStyle().set("color", "var(--lumo-secondary-text-color)");
            target.add(new Div(pinned));
        }

        Div breakdown = new Div();
        breakdown.setId("sync-breakdown");
        for (Part part : Part.values()) {
            List<String> ids = plan.of(part);
            if (ids.isEmpty()) {
                continue;
            }
            Div line = new Div(new Span(ids.size() + " " + SAYS.get(part)), new Span(" (" + named(ids) + ")"));
            line.getElement().setAttribute("data-part", part.name());
            line.getElement().setAttribute("data-count", Integer.toString(ids.size()));
            if (part == Part.DIVERGED) {
                line.getStyle().set("color", "var(--lumo-warning-text-color, var(--lumo-error-text-color))");
            } else if (!part.sentByDefault()) {
                line.getStyle().set("color", "var(--lumo-secondary-text-color)");
            }
            breakdown.add(line);
        }

        Checkbox offline = new Checkbox("Send to the " + plan.of(Part.OFFLINE).size()
                + " offline nodes too (each operation waits for its node, and can be cancelled)", false);
        offline.setId("sync-include-offline");
        offline.setVisible(!plan.of(Part.OFFLINE).isEmpty());

        Checkbox restart = new Checkbox("Restart the service", true);
        restart.setId("sync-restart");
        RadioButtonGroup<RestartType> type = new RadioButtonGroup<>("Restart");
        type.setId("sync-type");
        type.setItems(RestartType.IMMEDIATE, RestartType.GRACEFUL);
        type.setItemLabelGenerator(t -> t == RestartType.IMMEDIATE ? "Immediate" : "Graceful (let it finish its work)");
        type.setValue(RestartType.GRACEFUL);
        restart.addValueChangeListener(e -> type.setEnabled(e.getValue()));

        // all at once, or a rolling rollout in batches (Rollouts): offline nodes are then deferred, not left out
        RadioButtonGroup<String> how = new RadioButtonGroup<>("How");
        how.setId("sync-strategy");
        how.setItems(PARALLEL, ROLLING);
        how.setValue(PARALLEL);
        TextField batchSize = new TextField("Batch size", "25%", "a count, or a percentage of the nodes");
        batchSize.setId("rolling-batch-size");
        batchSize.setHelperText("nodes per batch: 3, or 25%");
        IntegerField delay = new IntegerField("Healthy for (s)");
        delay.setId("rolling-delay");
        delay.setValue(30);
        delay.setMin(0);
        delay.setHelperText("before the next batch starts");
        TextField maxFailures = new TextField("Stop after failures", "1", "");
        maxFailures.setId("rolling-max-failures");
        maxFailures.setHelperText("a count or a percentage; empty: never stop");
        IntegerField canary = new IntegerField("Canary nodes");
        canary.setId("rolling-canary");
        canary.setHelperText("optional: a first batch of its own");
        Checkbox autoPromote = new Checkbox("Go on after the canary without waiting for me", false);
        autoPromote.setId("rolling-auto-promote");
        FormLayout rolling = new FormLayout(batchSize, delay, maxFailures, canary, autoPromote);
        rolling.setId("rolling-options");
        rolling.setVisible(false);
        Checkbox overrideWindow = new Checkbox("Override maintenance windows (sync now even outside a node's window;"
                + " recorded)", false);
        overrideWindow.setId("sync-override-window");
        add(target, breakdown, offline, restart, type, how, rolling, overrideWindow);

        Button confirm = new Button();
        confirm.setId("sync-confirm");
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Runnable label = () -> {
            boolean inBatches = ROLLING.equals(how.getValue());
            int n = plan.toSend(inBatches || offline.getValue()).size();
            confirm.setText(inBatches ? "Start rolling sync of " + n + (n == 1 ? " node" : " nodes")
                    : n == 1 ? "Sync 1 node" : "Sync " + n + " nodes");
            confirm.getElement().setAttribute("data-count", Integer.toString(n));
            confirm.setEnabled(n > 0 && plan.target() != null);
        };
        label.run();
        offline.addValueChangeListener(e -> label.run());
        how.addValueChangeListener(e -> {
            rolling.setVisible(ROLLING.equals(e.getValue()));
            offline.setEnabled(!ROLLING.equals(e.getValue()));
            label.run();
        });
        confirm.addClickListener(e -> {
            RestartType restartType = restart.getValue() ? type.getValue() : RestartType.MANUAL;
            if (ROLLING.equals(how.getValue())) {
                String limit = maxFailures.getValue().isBlank() ? null : maxFailures.getValue();
                // refused (a batch size that is no count, say): the dialog stays open with the reason in a notice
                if (actions.startRollout(new Rollouts.Request(plan.toSend(true), null, false, null, batchSize.getValue(),
                        delay.getValue(), limit != null, limit, canary.getValue(), autoPromote.getValue(),
                        restart.getValue(), restartType, false, null, overrideWindow.getValue())) != null) {
                    close();
                }
                return;
            }
            close();
            actions.sync(plan.toSend(offline.getValue()), restart.getValue(), restartType, overrideWindow.getValue());
        });
        if (plan.toSend(true).isEmpty()) {
            add(new Paragraph("Nothing to send: no node asked for would change."));
        }
        Button cancel = new Button("Cancel", e -> close());
        cancel.setId("sync-cancel");
        getFooter().add(cancel, confirm);
    }

    /**
     * A node's Sync button, offered where it changes something: disabled with the reason for a viewer, and for a node
     * already on the latest commit (its row, its page).
     */
    static Component button(NodeRow n, Actions actions, String id, ButtonVariant... variants) {
        Button sync = new Button("Sync", e -> new SyncDialog(List.of(n.id()), actions).open());
        sync.setId(id);
        sync.addThemeVariants(variants);
        if (!Permitted.can(Role.OPERATOR)) {
            return Permitted.disabled(sync, Permitted.needs(Role.OPERATOR));
        }
        if (n.codeStatus() == CodeStatus.UP_TO_DATE) {
            return Permitted.disabled(sync, "Already on the latest commit: nothing to sync");
        }
        return sync;
    }

    private static String named(List<String> ids) {
        return String.join(", ", ids.subList(0, Math.min(NAMED, ids.size())))
                + (ids.size() > NAMED ? " and " + (ids.size() - NAMED) + " more" : "");
    }
}
