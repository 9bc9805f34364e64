package dev.slm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Lines as Payara Micro 6.2025.10 prints them (colours included), from a start with a too short admin password. */
class StartWatchTest {

    private static final String ESC = "\u001b";
    private static final String SEVERE = "[2026-11-27T09:39:39.114+0000] [] [" + ESC + "[1;91mSEVERE" + ESC + "[0m] [] ["
            + ESC + "[1;94mjavax.enterprise.system.core" + ESC + "[0m] [tid: _ThreadID=1 _ThreadName=main] "
            + "[timeMillis: 1795772379114] [levelValue: 1000] ";
    private static final String READY = "[2026-11-27T09:39:39.164+0000] [] [" + ESC + "[1;92mINFO" + ESC + "[0m] [] ["
            + ESC + "[1;94mPayaraMicro" + ESC + "[0m] [tid: _ThreadID=1 _ThreadName=main] [timeMillis: 1795772379164] "
            + "[levelValue: 800] Payara Micro 6.2025.10 (build 42) ready in 17,827 (ms)";
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aFailedApplicationStartIsReportedWithItsDeepestCause() {
        StartWatch watch = new StartWatch();
        watch.inspect("jakarta.ejb.EJBException: jakarta.ejb.CreateException: Initialization failed for Singleton FirstAdmin", 0);
        watch.inspect("Caused by: jakarta.ejb.CreateException: Initialization failed for Singleton FirstAdmin", 0);
        watch.inspect("Caused by: dev.slm.platform.InvalidInput: password must have at least 12 characters", 0);
        watch.inspect("\tat dev.slm.access.boundary.OperatorAccounts.create(OperatorAccounts.java:52)", 0);
        assertEquals(Optional.empty(), watch.failure(0), "nothing has failed until Payara Micro says so");
        watch.inspect(SEVERE + "Exception while loading the app", 0);
        assertEquals(Optional.of("the application failed to start: dev.slm.platform.InvalidInput: password must have"
                + " at least 12 characters"), watch.failure(0));
    }

    /** A setting refused at start-up (SlmConfig): Payara Micro logs no "Caused by", only its own one-line exception. */
    @Test
    void aFailedCdiStartIsReportedWithItsReasonOnce() {
        StartWatch watch = new StartWatch();
        String reason = "SLM_UI_GONE_AFTER must be a duration from 1 s to 24 h (e.g. 30s, 5m, 1h or PT5M), not 'abc'";
        watch.inspect("  Exception during lifecycle processing", 0);
        watch.inspect("org.glassfish.deployment.common.DeploymentException: CDI deployment failure:" + reason + " -- "
                + reason, 0);
        watch.inspect("\tat dev.slm.platform.Durations.setting(Durations.java:57)", 0);
        watch.inspect(SEVERE + "Exception while loading the app", 0);
        assertEquals(Optional.of("the application failed to start: " + reason), watch.failure(0));
    }

    @Test
    void aServerThatIsReadyButDoesNotAnswerFailsAfterAGracePeriod() {
        StartWatch watch = new StartWatch();
        watch.inspect(READY, 100 * SECOND);
        assertEquals(Optional.empty(), watch.failure(110 * SECOND));
        assertTrue(watch.failure(121 * SECOND).orElseThrow().contains("does not answer /api/health"));
    }

    @Test
    void anOrdinaryStartIsNoFailure() {
        StartWatch watch = new StartWatch();
        watch.inspect("[INFO] ROOT was successfully deployed in 10,508 milliseconds.", 0);
        watch.inspect("[INFO] Deployed 1 archive(s)", 0);
        assertEquals(Optional.empty(), watch.failure(60 * SECOND));
    }
}
