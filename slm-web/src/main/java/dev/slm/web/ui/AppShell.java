package dev.slm.web.ui;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.PWA;
import com.vaadin.flow.shared.ui.Transport;
import com.vaadin.flow.theme.Theme;
import com.vaadin.flow.theme.lumo.Lumo;

/**
 * The web app's shell: server push over WebSocket, the Lumo theme (no frontend build: Java components and CSS).
 * <p>
 * The browser's own messages (clicks, edits) go over XHR, not over the WebSocket ({@code WEBSOCKET_XHR}): each is then
 * a servlet request, whose caller the authentication mechanism restores from the HTTP session, so the boundary EJBs'
 * {@code @RolesAllowed} checks exactly the logged-in operator. A WebSocket frame passes no authentication at all:
 * Payara runs it on a pooled thread with whatever caller that thread carries (the tests' operator syncs went through,
 * but nothing there says whose caller it was). Server push, the bulk of the traffic, stays on the WebSocket.
 */
@Push(transport = Transport.WEBSOCKET_XHR)
@Theme(themeClass = Lumo.class)
@PWA(name = "SLM — fleet code distribution", shortName = "SLM")
public class AppShell implements AppShellConfigurator {
}
