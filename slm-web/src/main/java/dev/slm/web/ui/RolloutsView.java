package dev.slm.web.ui;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.slm.rollout.boundary.Rollouts;
import dev.slm.web.live.LiveEvents;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/**
 * {@code /rollouts}: the newest {@value #SHOWN} rolling rollouts, unfinished first, each with its batches and nodes,
 * live (the Updates page shows the newest five). A rollout is started from a sync's dialog (Rolling, in batches).
 */
@Route(value = "rollouts", layout = MainLayout.class)
@PageTitle("Rollouts — SLM")
@Dependent
public class RolloutsView extends VerticalLayout {

    static final int SHOWN = 50;

    @Inject
    public RolloutsView(Rollouts rollouts, Actions actions, LiveEvents events) {
        RolloutsPanel panel = new RolloutsPanel(rollouts, actions, SHOWN);
        add(new H2("Rolling rollouts"), new Paragraph("Start one from a sync's dialog (Nodes or Updates: \"Rolling, in"
                + " batches\"); the API: POST /api/fleet/sync with \"strategy\": \"rolling\"."), panel);
        panel.show();
        Live.follow(this, events, batch -> {
            if (batch.stream().anyMatch(e -> e.type().equals("fleet.sync.progress"))) {
                panel.show();
            }
        });
    }
}
