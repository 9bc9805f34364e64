package dev.slm.web.ui;

import com.vaadin.cdi.CdiVaadinServlet;
import jakarta.servlet.annotation.WebServlet;

/**
 * The web app's servlet, declared so that it is Vaadin CDI's (views get their services injected) rather than the
 * plain one Vaadin registers by itself; {@code /api/*} (JAX-RS) and {@code /ws/events} keep their own mappings.
 */
@WebServlet(urlPatterns = "/*", asyncSupported = true)
public class SlmServlet extends CdiVaadinServlet {
}
