package dev.slm.web.ui;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Inline;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.AppShellSettings;
import com.vaadin.flow.server.PWA;
import com.vaadin.flow.shared.ui.Transport;

/**
 * The web app's shell: server push over WebSocket, the Lumo theme (no frontend build: Java components and CSS), the
 * few rules of our own and the colour scheme.
 * <p>
 * The browser's own messages (clicks, edits) go over XHR, not over the WebSocket ({@code WEBSOCKET_XHR}): each is then
 * a servlet request, whose caller the authentication mechanism restores from the HTTP session, so the boundary EJBs'
 * {@code @RolesAllowed} checks exactly the logged-in operator. A WebSocket frame passes no authentication at all:
 * Payara runs it on a pooled thread with whatever caller that thread carries (the tests' operator syncs went through,
 * but nothing there says whose caller it was). Server push, the bulk of the traffic, stays on the WebSocket.
 * <p>
 * No {@code @Theme}: Lumo is Flow's default, and {@code @Theme(themeClass = Lumo.class)} without a name made every
 * page ask for {@code /VAADIN/themes//styles.css} (a 404 in each browser's console) in the precompiled-bundle mode.
 */
@Push(transport = Transport.WEBSOCKET_XHR)
@PWA(name = "SLM — fleet code distribution", shortName = "SLM")
public class AppShell implements AppShellConfigurator {

    /**
     * Dark when the system is (and follows it when it changes), unless the operator chose with the toggle (kept in
     * the browser's localStorage). Runs in the page's head, before the first paint: no light flash on a dark system.
     */
    static final String COLOUR_SCHEME = """
            (function () {
              var key = 'slm-theme', media = window.matchMedia('(prefers-color-scheme: dark)');
              function chosen() { try { return localStorage.getItem(key); } catch (e) { return null; } }
              function apply() {
                var c = chosen(), dark = c ? c === 'dark' : media.matches;
                if (dark) { document.documentElement.setAttribute('theme', 'dark'); }
                else { document.documentElement.removeAttribute('theme'); }
              }
              apply();
              media.addEventListener('change', apply);
              window.slmTheme = {
                toggle: function () {
                  var dark = document.documentElement.getAttribute('theme') !== 'dark';
                  try { localStorage.setItem(key, dark ? 'dark' : 'light'); } catch (e) { }
                  apply();
                  return dark;
                },
                isDark: function () { return document.documentElement.getAttribute('theme') === 'dark'; }
              };
            })();
            """;

    /**
     * An operator whose system asks for less motion (an accessibility setting) gets still progress bars: Lumo's
     * indeterminate bar moves for as long as a sync waits for its node, whatever the setting, and has its browser
     * redraw 60 times a second (headless Chromium, the Nodes page with one pending sync: 2.4–2.6 CPU-seconds per 10 s,
     * 1.1–1.3 with the bar still).
     * <p>
     * A phone keeps the bell and the log-out in the top bar (the operator's name and the bell's sentence go), and on
     * the Nodes page the summary bar (which filters by status and online state), the search and the status filter.
     */
    static final String STYLES = """
            @media (max-width: 700px) {
              #current-user, #bell-count { display: none; }
              #filter-role, #filter-online, #commit-groups { display: none; }
            }
            .disabled-action { display: inline-block; cursor: not-allowed; }
            @media (prefers-reduced-motion: reduce) {
              vaadin-progress-bar::part(value) { animation: none; }
            }
            """;

    @Override
    public void configurePage(AppShellSettings settings) {
        settings.addInlineWithContents(Inline.Position.PREPEND, COLOUR_SCHEME, Inline.Wrapping.JAVASCRIPT);
        settings.addInlineWithContents(STYLES, Inline.Wrapping.STYLESHEET);
    }
}
