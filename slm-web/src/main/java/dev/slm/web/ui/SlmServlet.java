package dev.slm.web.ui;

import com.vaadin.cdi.CdiVaadinServlet;
import jakarta.servlet.annotation.WebInitParam;
import jakarta.servlet.annotation.WebServlet;

/**
 * The web app's servlet, declared so that it is Vaadin CDI's (views get their services injected) rather than the
 * plain one Vaadin registers by itself; {@code /api/*} (JAX-RS) and {@code /ws/events} keep their own mappings.
 */
@WebServlet(urlPatterns = "/*", asyncSupported = true, initParams = {
        // Vaadin's default is 300 s, so a page whose browser had gone counted as gone only after 15 minutes
        // (UiReaper); a heartbeat a minute costs an open page one tiny request a minute
        @WebInitParam(name = "heartbeatInterval", value = "60")})
public class SlmServlet extends CdiVaadinServlet {
}
