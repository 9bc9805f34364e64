package dev.slm.web.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.rollout.entity.SyncOperation;
import dev.slm.rollout.entity.SyncStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An operation's stages in order, each with when it began and how long it lasted: the request, every stage its agent
 * reported (a stage reported again with more progress is one step), and how it ended — which the agent reports for
 * FAILED and ROLLED_BACK but the server decides for SUCCEEDED, TIMED_OUT (then SUCCEEDED, for a late success) and
 * CANCELLED.
 */
public final class OperationTimeline {

    /** One step; {@code status} null for the request; {@code took} null for the end and for a step still running. */
    public record Step(SyncStatus status, Instant at, Duration took, Integer percent, String message) {
    }

    private OperationTimeline() {
    }

    public static List<Step> of(SyncOperation o, List<SyncOperations.Stage> stages) {
        return steps(o.createdAt(), stages, o.status(), o.late(), o.finishedAt(), o.timedOutAt(), o.message());
    }

    static List<Step> steps(Instant created, List<SyncOperations.Stage> stages, SyncStatus status, boolean late,
                            Instant finished, Instant timedOut, String message) {
        List<Step> open = new ArrayList<>();
        open.add(new Step(null, created, null, null, null));
        for (SyncOperations.Stage s : stages) {
            SyncStatus stage = SyncStatus.valueOf(s.stage());
            Step last = open.get(open.size() - 1);
            if (stage == last.status()) { // progress within the stage: it began with its first report
                open.set(open.size() - 1, new Step(stage, last.at(), null, s.percent(), s.message()));
            } else {
                open.add(new Step(stage, s.at(), null, s.percent(), s.message()));
            }
        }
        if (status.isFinal()) {
            if (late && timedOut != null) {
                open.add(new Step(SyncStatus.TIMED_OUT, timedOut, null, null, null));
            }
            if (open.get(open.size() - 1).status() != status && finished != null) {
                open.add(new Step(status, finished, null, null, message));
            }
        }
        List<Step> steps = new ArrayList<>(open.size());
        for (int i = 0; i < open.size(); i++) {
            Step s = open.get(i);
            Duration took = i + 1 < open.size() ? Duration.between(s.at(), open.get(i + 1).at()) : null;
            steps.add(new Step(s.status(), s.at(), took, s.percent(), s.message()));
        }
        return steps;
    }

    /** "850 ms", "42 s", "3 min 4 s", "2 h 5 min": enough to tell a slow stage from a quick one. */
    public static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
    }

    /** The steps as a list: badge, time (the full one on hover), duration, progress, message. */
    public static Div component(SyncOperation o, List<SyncOperations.Stage> stages) {
        Div list = new Div();
        list.setId("timeline-" + o.id());
        list.addClassName("operation-timeline");
        List<Step> steps = of(o, stages);
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            boolean last = i == steps.size() - 1;
            Span badge = step.status() == null ? new Span("Requested") : OperationBadge.of(step.status(), o.late()
                    && step.status() == SyncStatus.SUCCEEDED);
            Span at = OperationsGrid.time(step.at());
            String lasted = step.took() != null ? duration(step.took())
                    : last && !o.status().isFinal() ? "running" : "";
            Span took = new Span(lasted);
            took.addClassName("timeline-took");
            String message = step.status() == null ? "by " + o.requestedBy() : step.message();
            Span said = new Span((step.percent() == null ? "" : step.percent() + " % ")
                    + (message == null ? "" : message));
            said.getStyle().set("white-space", "pre-wrap").set("overflow-wrap", "anywhere");
            Div row = new Div(badge, at, took, said);
            row.addClassName("timeline-step");
            row.getElement().setAttribute("data-stage", step.status() == null ? "REQUESTED" : step.status().name());
            // wraps on a phone rather than widening the page
            row.getStyle().set("display", "flex").set("flex-wrap", "wrap").set("gap", "var(--lumo-space-s)")
                    .set("align-items", "baseline").set("padding", "var(--lumo-space-xs) 0");
            badge.getStyle().set("min-width", "9em");
            took.getStyle().set("min-width", "5em");
            list.add(row);
        }
        return list;
    }
}
