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
 * expired 30 minutes later. Here a page whose push connection has been broken for {@code SLM_UI_GONE_AFTER}
 * (60 s by default: a browser that merely lost its network for a moment reconnects well within it), or whose
 * browser has sent nothing for three heartbeat intervals, is closed and removed from its session. The browser, should
 * it come back after all, is told that its page has expired and reloads it.
 */
@ApplicationScoped
public class UiReaper {

    private static final Logger LOG = Logger.getLogger(UiReaper.class.getName());

    /** Every page of this server, weakly: a page Vaadin removed by itself is not kept alive by being watched here. */
    private final Map<UI, Long> goneSince = Collections.synchronizedMap(new WeakHashMap<>());

    @Inject
    SlmConfig config;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> sweeps;

    void onServiceInit(@Observes ServiceInitEvent event) {
        event.getSource().addUIInitListener(init -> goneSince.put(init.getUI(), 0L));
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

    /** Whether the page's browser is connected to it now (its push connection is up). */
    static boolean browserIsThere(UI ui) {
        if (ui.isClosing()) {
            return false;
        }
        PushConnection push = ui.getInternals().getPushConnection();
        return push == null || push.isConnected();
    }

    void sweep() {
        try {
            long now = System.nanoTime();
            long goneAfter = config.uiGoneAfter().toNanos();
            List<UI> pages;
            synchronized (goneSince) {
                pages = new ArrayList<>(goneSince.keySet());
            }
            int closed = 0;
            for (UI ui : pages) {
                VaadinSession session = ui.getSession();
                if (session == null) {
                    goneSince.remove(ui);
                } else if (browserIsThere(ui) && !heartbeatsStopped(ui, session)) {
                    goneSince.put(ui, 0L);
                } else {
                    long since = goneSince.getOrDefault(ui, 0L);
                    if (since == 0L) {
                        goneSince.put(ui, now);
                    } else if (now - since >= goneAfter) {
goneSince.remove(ui);
                        close(ui);
                        closed++;
                    }
                }
            }
            if (closed > 0) {
                LOG.fine(closed + " page(s) whose browser had gone closed; " + goneSince.size() + " left");
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
