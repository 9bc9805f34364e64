package dev.slm.web.ui;

import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.server.ServiceInitEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Every view but the login needs a logged-in operator; the login page sends a logged-in one to the start page. */
@ApplicationScoped
public class AccessControl {

    void init(@Observes ServiceInitEvent event) {
        event.getSource().addUIInitListener(ui -> ui.getUI().addBeforeEnterListener(this::check));
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
}
