package dev.slm.web.ui;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.PWA;
import com.vaadin.flow.theme.Theme;
import com.vaadin.flow.theme.lumo.Lumo;

/** The web app's shell: server push over WebSocket, the Lumo theme (no frontend build: Java components and CSS). */
@Push
@Theme(themeClass = Lumo.class)
@PWA(name = "SLM — fleet code distribution", shortName = "SLM")
public class AppShell implements AppShellConfigurator {
}
