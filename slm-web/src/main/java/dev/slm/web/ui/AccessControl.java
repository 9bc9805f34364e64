package dev.slm.web.ui;

import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.server.ErrorEvent;
import com.vaadin.flow.server.ServiceInitEvent;
import jakarta.ejb.EJBAccessException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.logging.Logger;

/**
 * Every view but the login needs a logged-in operator; the login page sends a logged-in one to the start page.
 * A refusal by a boundary EJB ({@code @RolesAllowed}) that no action caught itself — a crafted request for a button
 * the page never offered — is a notification, never a stack trace or an error page. Anything else goes to the log,
 * bounded ({@link UiErrorLog}).
 */
@ApplicationScoped
public class AccessControl {

    private static final Logger LOG = Logger.getLogger(AccessControl.class.getName());
    private static final UiErrorLog.Handler ERRORS = new UiErrorLog.Handler();

    void init(@Observes ServiceInitEvent event) {
        event.getSource().addUIInitListener(ui -> ui.getUI().addBeforeEnterListener(this::check));
        event.getSource().addSessionInitListener(s -> s.getSession().setErrorHandler(AccessControl::handle));
    }

    private void check(BeforeEnterEvent e) {
        boolean login = LoginView.class.equals(e.getNavigationTarget());
        boolean loggedIn = Operator.current().isPresent();
        if (!loggedIn && !login) {
            e.forwardTo(LoginView.class);
        } else if (loggedIn && login) {
            e.forwardTo(NodesView.class);
        }
    }

    private static void handle(ErrorEvent event) {
        for (Throwable t = event.getThrowable(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EJBAccessException) {
                String who = Operator.current().map(o -> o.name() + " (" + o.role().roleName() + ")").orElse("nobody");
                LOG.warning("refused an action of " + who + " that its page does not offer: " + t.getMessage());
                Actions.error("refused: your role does not allow this");
                return;
            }
        }
        ERRORS.error(event);
    }
}
