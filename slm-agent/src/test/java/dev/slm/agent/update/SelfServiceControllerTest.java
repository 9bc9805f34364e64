package dev.slm.agent.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfServiceControllerTest {

    static final String A = "a".repeat(40);
    static final String B = "b".repeat(40);

    @TempDir
    Path home;

    final AtomicInteger exits = new AtomicInteger();

    SelfServiceController controller(String running, String confirmed) throws Exception {
        Releases releases = new Releases(home);
        Files.createDirectories(releases.dirOf(A));
        Files.createDirectories(releases.dirOf(B));
        return new SelfServiceController(releases, home, Optional.ofNullable(running),
                () -> Optional.ofNullable(confirmed), exits::incrementAndGet);
    }

    @Test
    void theAgentThatRunsTheCurrentReleaseHasBeenStartedAndStays() throws Exception {
        SelfServiceController c = controller(B, A);
        new Releases(home).activate(B);
        c.start();
        assertEquals(0, exits.get());
        assertTrue(Files.notExists(home.resolve(SelfServiceController.TRIAL)));
    }

    @Test
    void leavingTheConfirmedReleaseStartsATrialTheLauncherCounts() throws Exception {
        SelfServiceController c = controller(A, A);
        new Releases(home).activate(B);
        c.start();
        assertEquals(1, exits.get());
        assertEquals("previous=" + A + "\nstarts=0\n", Files.readString(home.resolve(SelfServiceController.TRIAL)));
        c.confirm();
        assertTrue(Files.notExists(home.resolve(SelfServiceController.TRIAL)));
    }

    @Test
    void goingBackToTheConfirmedReleaseIsNoTrial() throws Exception {
        Files.writeString(home.resolve(SelfServiceController.TRIAL), "previous=" + A + "\nstarts=1\n");
        SelfServiceController c = controller(B, A); // runs the new, unconfirmed release; the rollback points at A
        new Releases(home).activate(A);
        c.start();
        assertEquals(1, exits.get());
        assertTrue(Files.notExists(home.resolve(SelfServiceController.TRIAL)));
    }

    @Test
    void theLaunchersNoteIsReadOnce() throws Exception {
        SelfServiceController c = controller(A, A);
        assertEquals(Optional.empty(), c.takeRevertNote());
        Files.writeString(home.resolve(SelfServiceController.REVERTED_NOTE), "went back\n");
        assertEquals(Optional.of("went back"), c.takeRevertNote());
        assertEquals(Optional.empty(), c.takeRevertNote());
    }
}
