package dev.slm.web.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.communication.PushConnection;
import dev.slm.platform.SlmConfig;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Closes the pages whose browser has gone. Vaadin itself closes a UI only after three missed heartbeats, and only
 * when another request of the same session comes in: a browser that went away for good (a closed laptop, a killed
 * tab, a script that fetched {@code /login} once) left its page, and everything queued for it, until the session
 * expired 30 minutes later. Here a page whose push connection is broken and whose browser has not polled for
 * {@value #SEEN_RECENTLY_MS} ms counts as gone; gone for {@code SLM_UI_GONE_AFTER} (60 s by default: a browser that
 * merely lost its network for a moment reconnects well within it), or silent for three heartbeat intervals, it is
 * closed and removed from its session. The browser, should
 * it come back after all, is told that its page has expired and reloads it.
 */
@ApplicationScoped
public class UiReaper {

    private static final Logger LOG = Logger.getLogger(UiReaper.class.getName());

    /**
     * A browser that polled or sent a heartbeat this recently is there even while its push connection is down: a
     * long-polling transport, or a reconnect, breaks it for moments many times over (the pages poll every 5 s).
     */
    static final long SEEN_RECENTLY_MS = 15_000;

    /** Every page of this server, weakly: a page Vaadin removed by itself is not kept alive by being watched here. */
    private static final Map<UI, Page> PAGES = Collections.synchronizedMap(new WeakHashMap<>());

    /** When the page's browser was last heard (poll, heartbeat), and since when it has counted as gone (0: it has not). */
    private static final class Page {
        volatile long seenAt = System.currentTimeMillis();
        long goneSince;
    }

    @Inject
    SlmConfig config;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> sweeps;

    void onServiceInit(@Observes ServiceInitEvent event) {
        event.getSource().addUIInitListener(init -> {
            UI ui = init.getUI();
            Page page = new Page();
            ui.addPollListener(poll -> page.seenAt = System.currentTimeMillis());
            ui.addHeartbeatListener(beat -> page.seenAt = System.currentTimeMillis());
            PAGES.put(ui, page);
        });
        synchronized (this) {
            if (sweeps == null) {
                long period = Math.max(1_000, Math.min(10_000, config.uiGoneAfter().toMillis() / 2));
                sweeps = scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
            }
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (sweeps != null) {
            sweeps.cancel(false);
        }
    }

    /** Whether the page's browser is there: its push connection is up, or it was heard from just now. */
    static boolean browserIsThere(UI ui) {
        if (ui.isClosing()) {
            return false;
        }
        PushConnection push = ui.getInternals().getPushConnection();
        if (push == null || push.isConnected()) {
            return true;
        }
        Page page = PAGES.get(ui);
        return page != null && System.currentTimeMillis() - page.seenAt < SEEN_RECENTLY_MS;
    }

    void sweep() {
        try {
            long now = System.nanoTime();
            long goneAfter = config.uiGoneAfter().toNanos();
            List<Map.Entry<UI, Page>> pages;
            synchronized (PAGES) {
                pages = new ArrayList<>(PAGES.entrySet());
            }
            int closed = 0;
            for (Map.Entry<UI, Page> entry : pages) {
                UI ui = entry.getKey();
                Page page = entry.getValue();
                VaadinSession session = ui.getSession();
                if (session == null) {
                    PAGES.remove(ui);
                } else if (browserIsThere(ui) && !heartbeatsStopped(ui, session)) {
                    page.goneSince = 0;
                } else if (page.goneSince == 0) {
                    page.goneSince = now;
                } else if (now - page.goneSince >= goneAfter) {
                    PAGES.remove(ui);
                    close(ui);
                    closed++;
                }
            }
            if (closed > 0) {
                LOG.fine(closed + " page(s) whose browser had gone closed; " + PAGES.size() + " left");
            }
        } catch (RuntimeException e) {
            // one bad page must not end the sweeps: the executor would not schedule them again after a throw
            LOG.log(Level.WARNING, "closing the pages whose browser had gone failed; trying again at the next sweep", e);
        }
    }

    /** Vaadin's own rule: three heartbeat intervals without a word from the browser. */
    private static boolean heartbeatsStopped(UI ui, VaadinSession session) {
        int interval = session.getConfiguration().getHeartbeatInterval();
        long last = ui.getInternals().getLastHeartbeatTimestamp();
        return interval > 0 && System.currentTimeMillis() - last > Duration.ofSeconds(3L * interval).toMillis();
    }

    private static void close(UI ui) {
        try {
            ui.access(() -> {
                ui.close();
                ui.getSession().removeUI(ui);
            });
        } catch (UIDetachedException alreadyGone) {
            // removed by Vaadin meanwhile (its session expired): nothing is left to close
        }
    }
}
