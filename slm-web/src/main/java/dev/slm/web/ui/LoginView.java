package dev.slm.web.ui;

import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.util.List;
import java.util.Map;

/**
 * The login: a real form POST to {@code /login}, which the authentication mechanism answers (a session on success,
 * back here with {@code ?error} otherwise, or {@code ?locked=<seconds>} while failed logins are throttled).
 * Same users and roles as the REST API.
 */
@Route("login")
@PageTitle("Log in — SLM")
public class LoginView extends VerticalLayout implements BeforeEnterObserver {

    private final LoginForm form = new LoginForm();

    public LoginView() {
        setSizeFull();
        setAlignItems(FlexComponent.Alignment.CENTER);
        setJustifyContentMode(FlexComponent.JustifyContentMode.CENTER);
        form.setAction("login");
        form.setForgotPasswordButtonVisible(false);
        add(new H1("SLM"), new Paragraph("Fleet code distribution"), form);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        Map<String, List<String>> query = event.getLocation().getQueryParameters().getParameters();
        LoginI18n i18n = LoginI18n.createDefault();
        if (query.containsKey("locked")) {
            // the seconds come from the address bar: shown only if they are a plain small number
            String seconds = query.get("locked").stream().findFirst().filter(s -> s.matches("\\d{1,6}")).orElse(null);
            i18n.getErrorMessage().setTitle("Too many failed logins");
            i18n.getErrorMessage().setMessage("Logins as this user from your address are paused"
                    + (seconds == null ? "" : " for " + seconds + " s") + ". Try again later.");
        }
        form.setI18n(i18n);
        form.setError(query.containsKey("error") || query.containsKey("locked"));
    }
}
