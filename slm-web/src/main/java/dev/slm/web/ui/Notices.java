package dev.slm.web.ui;

import com.vaadin.flow.component.ComponentUtil;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.router.RouterLink;
import dev.slm.web.live.LiveEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The notices of one page (UI): one per bulk action, updated in place as its operations end, and one for the syncs
 * others started — never one per operation (a bulk sync of 20 nodes showed 21 toasts) — and one per new commit
 * (a refresh and its live event showed two). Failures stay until closed; successes go after a few seconds.
 */
final class Notices {

    private static final int SUCCESS_MS = 5000;

    /** A notice that follows some operations and says how they ended. */
    private static final class Tracker {
        final Notification notification = new Notification();
        final Span text = new Span();
        final String title;
        /** null: every operation it hears of (the syncs others started) */
        final Set<Long> operations;
        int succeeded;
        int failed;
        int cancelled;
        int ended;
        String lastFailure;
        String lastNode;
        Long lastOperation;
        boolean dirty;
        boolean shown;

        Tracker(String title, Set<Long> operations, String id) {
            this.title = title;
            this.operations = operations;
            text.setId(id + "-text");
            RouterLink details = new RouterLink("Details", UpdatesView.class);
            Button close = new Button(VaadinIcon.CLOSE_SMALL.create(), e -> notification.close());
            close.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE);
            close.setAriaLabel("Close");
            HorizontalLayout line = new HorizontalLayout(text, details, close);
            line.setAlignItems(FlexComponent.Alignment.CENTER);
            notification.add(line);
            notification.setId(id);
            notification.setPosition(Notification.Position.BOTTOM_END);
            notification.setDuration(0);
        }

        void show() {
            boolean done = operations != null && ended >= operations.size();
            text.setText(operations != null && operations.size() == 1 ? one(done) : many(done));
            notification.removeThemeVariants(NotificationVariant.LUMO_SUCCESS, NotificationVariant.LUMO_ERROR,
                    NotificationVariant.LUMO_CONTRAST);
            notification.addThemeVariants(failed > 0 ? NotificationVariant.LUMO_ERROR
                    : done || operations == null ? NotificationVariant.LUMO_SUCCESS : NotificationVariant.LUMO_CONTRAST);
            // a failure stays until closed; a success goes after a while; a running bulk stays while it runs
            notification.setDuration(failed > 0 || operations != null && !done ? 0 : SUCCESS_MS);
            // closed by the operator while it runs: opened again only to say how it ended
            if (!notification.isOpened() && (!shown || done)) {
                notification.open();
            }
            shown = true;
        }

        /** One node's sync (from its row, its page or the bell). */
        private String one(boolean done) {
            return !done ? title + " started" : failed > 0 ? title + ": " + lastFailure
                    : cancelled > 0 ? title + " cancelled"
                    : lastNode + " runs the new commit: sync " + lastOperation + " succeeded";
        }

        private String many(boolean done) {
            StringBuilder s = new StringBuilder();
            if (operations != null) {
                s.append(title).append(": ").append(succeeded).append(" succeeded");
                if (failed > 0) {
                    s.append(", ").append(failed).append(" failed");
                }
                if (cancelled > 0) {
                    s.append(", ").append(cancelled).append(" cancelled");
                }
                if (!done) {
                    s.append(", ").append(operations.size() - ended).append(" running");
                }
            } else if (ended == 1 && succeeded == 1) {
                s.append(lastNode).append(" runs the new commit: sync ").append(lastOperation).append(" succeeded");
            } else {
                s.append(succeeded).append(succeeded == 1 ? " sync succeeded" : " syncs succeeded");
                if (failed > 0) {
                    s.append(", ").append(failed).append(" did not");
                }
            }
            if (failed > 0) {
                s.append(" — last: ").append(lastFailure);
            }
            return s.toString();
        }
    }

    /** The events that end an operation. */
    private static final Set<String> ENDS = Set.of("sync.completed", "sync.failed", "sync.cancelled");

    private Tracker bulk;

    private Tracker others;
    private String announcedCommit;

    static Notices of(UI ui) {
        Notices n = ComponentUtil.getData(ui, Notices.class);
        if (n == null) {
            n = new Notices();
            ComponentUtil.setData(ui, Notices.class, n);
        }
        return n;
    }

    /** A bulk action started these operations: its one notice, which its operations' ends update. */
    void bulkStarted(String title, List<Long> operations) {
        if (bulk != null) {
            bulk.notification.close();
        }
        bulk = new Tracker(title, new HashSet<>(operations), "bulk-notice");
        bulk.show();
    }

    /** The live events of one turn: the ends of syncs, and a new commit. */
    void heard(List<LiveEvent> batch) {
        for (LiveEvent e : batch) {
            if (e.type().equals("source.latest_changed")) {
                if (e.message() == null) { // a pin moved, no new commit: the Updates page says it
                    newCommit(e.commit());
                }
            } else if (ENDS.contains(e.type()) && e.operationId() != null) {
                boolean ofBulk = bulk != null && bulk.operations.contains(e.operationId());
                if (e.type().equals("sync.cancelled") && !ofBulk) {
                    continue; // the operator who cancelled it was told; nobody else is waiting for it
                }
                Tracker t = ofBulk ? bulk : others();
                if (e.type().equals("sync.completed")) {
                    t.succeeded++;
                } else if (e.type().equals("sync.cancelled")) {
                    t.cancelled++;
                } else {
                    t.failed++;
                    t.lastFailure = e.nodeId() + ": sync " + e.operationId() + " " + e.status().toLowerCase(Locale.ROOT).replace('_', ' ')
                            + (e.message() == null ? "" : ": " + e.message());
                }
                t.ended++;
                t.lastNode = e.nodeId();
                t.lastOperation = e.operationId();
                t.dirty = true;
            }
        }
        for (Tracker t : new Tracker[] {bulk, others}) {
            if (t != null && t.dirty) {
                t.dirty = false;
                t.show();
            }
        }
    }

    private Tracker others() {
        if (others == null || !others.notification.isOpened()) {
            others = new Tracker("", null, "sync-notice");
        }
        return others;
    }

    /** A new latest commit, said once whether the page's own refresh or the live event tells it first. */
    void newCommit(String commit) {
        if (commit == null || commit.equals(announcedCommit)) {
            return;
        }
        announcedCommit = commit;
        Actions.ok("New upstream commit " + CodeBadge.shortId(commit));
    }

    /** The page's own refresh saw this commit: the live event that follows says nothing more. */
    void fetched(String commit) {
        announcedCommit = commit;
    }
}
