package dev.slm.rollout.control;

import dev.slm.rollout.entity.MaintenanceWindow;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;

/** The enabled maintenance windows as of now (one small query), for the sync path and the scheduler to ask. */
@Dependent
public class WindowRules {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    public Windows now() {
        return new Windows(em.createQuery("SELECT w FROM MaintenanceWindow w WHERE w.enabled = TRUE", MaintenanceWindow.class)
                .getResultStream().map(Windows.Window::of).toList(), clock.instant());
    }
}
