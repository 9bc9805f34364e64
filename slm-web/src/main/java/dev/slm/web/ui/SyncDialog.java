package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import dev.slm.access.entity.Role;
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
        add(target, breakdown, offline, restart, type);

        Button confirm = new Button();
        confirm.setId("sync-confirm");
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Runnable label = () -> {
            int n = plan.toSend(offline.getValue()).size();
            confirm.setText(n == 1 ? "Sync 1 node" : "Sync " + n + " nodes");
            confirm.getElement().setAttribute("data-count", Integer.toString(n));
            confirm.setEnabled(n > 0 && plan.target() != null);
        };
        label.run();
        offline.addValueChangeListener(e -> label.run());
        confirm.addClickListener(e -> {
            close();
            actions.sync(plan.toSend(offline.getValue()), restart.getValue(),
                    restart.getValue() ? type.getValue() : RestartType.MANUAL);
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
