package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import dev.slm.access.entity.Role;
import dev.slm.rollout.boundary.Rollouts;
import dev.slm.rollout.entity.Rollout;
import dev.slm.rollout.entity.RolloutBatch;
import dev.slm.rollout.entity.RolloutNode;
import dev.slm.rollout.entity.RolloutNodeState;
import dev.slm.rollout.entity.RolloutStatus;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The newest rolling rollouts on /updates: target, who, status and why, a bar of the nodes done, the counts per node
 * state, pause / resume / abort for operators, and when opened each batch with its timestamps and its nodes. Redrawn
 * on every {@code fleet.sync.progress}, so the batches advance live.
 */
final class RolloutsPanel extends VerticalLayout {

    static final int SHOWN = 5;
    static final int BATCHES_SHOWN = 20;
    static final int NODES_SHOWN = 40;

    private static final Set<RolloutNodeState> DONE = EnumSet.of(RolloutNodeState.SUCCEEDED, RolloutNodeState.FAILED,
            RolloutNodeState.SKIPPED, RolloutNodeState.NOT_REACHED);

    private final Rollouts rollouts;
    private final Actions actions;
    private final int shown;
    /** Ended rollouts an operator opened stay open across redraws; an unfinished one is always open. */
    private final Set<Long> opened = new HashSet<>();

    RolloutsPanel(Rollouts rollouts, Actions actions) {
        this(rollouts, actions, SHOWN);
    }

    /** @param shown the newest rollouts listed (unfinished ones first) */
    RolloutsPanel(Rollouts rollouts, Actions actions, int shown) {
        this.rollouts = rollouts;
        this.actions = actions;
        this.shown = shown;
        setId("rollouts");
        setPadding(false);
        setSpacing(false);
    }

    void show() {
        removeAll();
        List<Rollout> recent = rollouts.recent(shown);
        if (recent.isEmpty()) {
            add(new Span("No rolling rollout yet: choose \"Rolling\" in a sync's dialog to send the nodes in batches."));
        }
        for (Rollout r : recent) {
            rollouts.view(r.id()).ifPresent(v -> add(row(v)));
        }
        // the buttons of rollouts that ended or are no longer listed go (the page may live for weeks)
        java.util.Set<Long> running = recent.stream().filter(r -> !r.status().ended()).map(Rollout::id)
                .collect(java.util.stream.Collectors.toSet());
        controls.keySet().retainAll(running);
    }

    private Div row(Rollouts.View v) {
        Rollout r = v.rollout();
        long id = r.id();
        Map<RolloutNodeState, Long> counts = v.counts();
        long total = v.nodes().size();
        long done = DONE.stream().mapToLong(s -> counts.getOrDefault(s, 0L)).sum();
        long failed = counts.getOrDefault(RolloutNodeState.FAILED, 0L);
        String batch = r.currentBatch() == 0 ? "not started"
                : r.currentBatch() > r.batchCount() ? "deferred nodes' turn" : "batch " + r.currentBatch() + " of " + r.batchCount();
        Span title = new Span("#" + id + " · rolling to " + CodeBadge.shortId(r.targetCommit()) + " · by "
                + r.requestedBy() + " · " + OperationsGrid.TIME.format(r.createdAt()) + " · " + r.status() + " · " + batch);
        title.getStyle().set("font-weight", "600");
        ProgressBar bar = new ProgressBar(0, Math.max(1, total), done);
        bar.setWidth("160px");
        if (failed > 0 || r.status() == RolloutStatus.FAILED || r.status() == RolloutStatus.TIMED_OUT) {
            bar.addThemeName("error");
        } else if (r.status() == RolloutStatus.SUCCEEDED) {
            bar.addThemeName("success");
        }
        StringBuilder said = new StringBuilder();
        for (RolloutNodeState s : RolloutNodeState.values()) {
            long n = counts.getOrDefault(s, 0L);
            if (n > 0) {
                said.append(said.isEmpty() ? "" : " · ").append(n).append(' ').append(s.name().toLowerCase(java.util.Locale.ROOT)
                        .replace('_', ' '));
            }
        }
        Span totals = new Span(said.toString());
        HorizontalLayout summary = new HorizontalLayout(title, bar, totals);
        summary.setAlignItems(FlexComponent.Alignment.CENTER);
        summary.getStyle().set("flex-wrap", "wrap");
        Details details = new Details(summary);
        details.setId("rollout-" + id);
        details.getElement().setAttribute("data-status", r.status().name());
        details.getElement().setAttribute("data-batch", Integer.toString(r.currentBatch()));
        details.getElement().setAttribute("data-done", Long.toString(done));
        details.setOpened(!r.status().ended() || opened.contains(id));
        details.add(content(v));
        details.addOpenedChangeListener(e -> {
            if (e.isOpened()) {
                opened.add(id);
            } else {
                opened.remove(id);
            }
        });
        Div row = new Div(details);
        if (!r.status().ended()) {
            // beside the details, not in its summary: a click on Pause must not fold the batches away
            Controls buttons = controls.computeIfAbsent(r.id(), this::controls);
            buttons.show(r.status());
            row.add(buttons.layout());
        }
        return row;
    }

    /**
     * A rollout's buttons, made once and moved into each redraw: the row is redrawn at each of the rollout's moves
     * (several a second while a batch syncs), and a click on a button that a redraw had just replaced was lost —
     * the operator's Pause did nothing (WebAppIT's rolling test, on a busy machine).
     */
    private record Controls(HorizontalLayout layout, Component pause, Component resume) {
        void show(RolloutStatus status) {
            pause.setVisible(status != RolloutStatus.PAUSED);
            resume.setVisible(status == RolloutStatus.PAUSED);
        }
    }

    /** The buttons of the unfinished rollouts shown; those of others are dropped at each redraw. */
    private final java.util.Map<Long, Controls> controls = new java.util.HashMap<>();

    private Controls controls(long id) {
        Button pause = new Button("Pause", e -> actions.rollout(() -> rollouts.pause(id, actions.who()), "Rollout #" + id + " paused"));
        pause.setId("rollout-pause-" + id);
        Button resume = new Button("Resume", e -> actions.rollout(() -> rollouts.resume(id, actions.who()), "Rollout #" + id + " resumed"));
        resume.setId("rollout-resume-" + id);
        resume.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button abort = new Button("Abort", e -> actions.rollout(() -> rollouts.abort(id, actions.who()),
                "Rollout #" + id + " aborted: no new node starts; nodes syncing finish"));
        abort.setId("rollout-abort-" + id);
        abort.addThemeVariants(ButtonVariant.LUMO_ERROR);
        Component pausing = Permitted.button(pause, Role.OPERATOR);
        Component resuming = Permitted.button(resume, Role.OPERATOR);
        HorizontalLayout layout = new HorizontalLayout(pausing, resuming, Permitted.button(abort, Role.OPERATOR));
        layout.setSpacing(true);
        layout.getStyle().set("margin-left", "var(--lumo-space-l)");
        return new Controls(layout, pausing, resuming);
    }

    private Div content(Rollouts.View v) {
        Div content = new Div();
        Rollout r = v.rollout();
        if (r.reason() != null) {
            Div reason = new Div(new Span(r.reason()));
            reason.setId("rollout-reason-" + r.id());
            reason.getStyle().set("margin-bottom", "var(--lumo-space-s)");
            content.add(reason);
        }
        Rollout.Options o = r.options();
        content.add(new Div(new Span("Batches of " + o.batchSize() + (o.canary() == null ? "" : ", canary of " + o.canary()
                + (o.autoPromote() ? " (promoted by itself)" : " (then a pause for an operator's go)"))
                + " · healthy for " + o.healthCheckDelayS() + " s before the next · "
                + (o.failureLimit() == Integer.MAX_VALUE ? "never stops on failures"
                : "stops at " + o.failureLimit() + " failure" + (o.failureLimit() > 1 ? "s" : "")))));
        int last = v.lastBatch();
        // a page holds a window of batches around the current one, each with its first nodes: 10,000 nodes as spans
        // took 35 s to draw (GET /api/rollouts/{id} has them all)
        int from = Math.max(1, r.currentBatch() - BATCHES_SHOWN / 2);
        int to = Math.min(last, from + BATCHES_SHOWN - 1);
        if (from > 1) {
            content.add(new Div(new Span("… " + (from - 1) + " earlier batch" + (from > 2 ? "es" : ""))));
        }
        for (int i = from; i <= to; i++) {
            List<RolloutNode> nodes = v.inBatch(i);
            RolloutBatch b = v.batch(i).orElse(null);
            if (nodes.isEmpty() && b == null) {
                continue;
            }
            Div line = new Div();
            line.setId("rollout-" + r.id() + "-batch-" + i);
            line.getElement().setAttribute("data-started", Boolean.toString(b != null));
            line.getElement().setAttribute("data-ended", Boolean.toString(b != null && b.endedAt() != null));
            Span head = new Span((i > r.batchCount() ? "Deferred nodes" : "Batch " + i) + ": "
                    + (b == null ? "waiting" : "started " + OperationsGrid.TIME.format(b.startedAt())
                    + (b.settledAt() == null ? "" : ", synced " + OperationsGrid.TIME.format(b.settledAt()))
                    + (b.endedAt() == null ? "" : ", healthy " + OperationsGrid.TIME.format(b.endedAt()))) + " — ");
            head.getStyle().set("font-weight", "500");
            line.add(head);
            for (RolloutNode n : nodes.subList(0, Math.min(NODES_SHOWN, nodes.size()))) {
                Span node = new Span(n.nodeId() + " " + n.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
                node.setId("rollout-" + r.id() + "-node-" + n.nodeId());
                node.getElement().setAttribute("data-state", n.state().name());
                if (n.detail() != null) {
                    node.setTitle(n.detail());
                }
                node.getStyle().set("margin-right", "var(--lumo-space-m)").set("color", switch (n.state()) {
                    case FAILED -> "var(--lumo-error-text-color)";
                    case SUCCEEDED -> "var(--lumo-success-text-color)";
                    case SYNCING, CHECKING -> "var(--lumo-primary-text-color)";
                    default -> "var(--lumo-secondary-text-color)";
                });
                line.add(node);
            }
            if (nodes.size() > NODES_SHOWN) {
                line.add(new Span("… and " + (nodes.size() - NODES_SHOWN) + " more"));
            }
            content.add(line);
        }
        if (to < last) {
            content.add(new Div(new Span("… " + (last - to) + " later batch" + (last - to > 1 ? "es" : ""))));
        }
        return content;
    }
}
