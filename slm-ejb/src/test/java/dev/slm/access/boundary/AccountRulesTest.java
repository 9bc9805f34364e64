package dev.slm.access.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules of accounts that need no database: names, passwords, and the last enabled admin. */
class AccountRulesTest {

    @Test
    void aUserNameIsALowerCaseLetterThenOneToSixtyThreeLettersDigitsDotsUnderscoresOrDashes() {
        for (String ok : new String[] {"vera", "ab", "web.admin_2-x", "a" + "b".repeat(63)}) {
            assertEquals(Optional.empty(), OperatorAccounts.usernameProblem(ok), ok);
        }
        for (String bad : new String[] {"", "a", "Vera", "1vera", "vé", "ve ra", "ve/ra", "ve\u0000ra", "a" + "b".repeat(64)}) {
            assertTrue(OperatorAccounts.usernameProblem(bad).isPresent(), bad);
        }
        assertEquals(Optional.of("username is required"), OperatorAccounts.usernameProblem(null));
        assertTrue(OperatorAccounts.usernameProblem("x".repeat(10_000)).orElseThrow().contains("at most 64 characters"));
    }

    @Test
    void aPasswordHasAtLeastTwelveCharacters() {
        assertEquals(Optional.empty(), OperatorAccounts.passwordProblem("twelve-chars"));
        for (String bad : new String[] {null, "", "eleven-char"}) {
            assertEquals(Optional.of("password must have at least 12 characters"), OperatorAccounts.passwordProblem(bad));
        }
        for (String blank : new String[] {" ".repeat(12), "\t".repeat(20), " \u2003".repeat(8)}) {
            assertEquals(Optional.of("password must not be only white space"), OperatorAccounts.passwordProblem(blank));
        }
        assertEquals(Optional.empty(), OperatorAccounts.passwordProblem(" with spaces "));
    }

    @Test
    void theLastEnabledAdminCannotStopBeingOne() {
        Optional<String> refused = OperatorAccounts.lastAdminProblem("admin", true, false, 1, "deleted");
        assertEquals(Optional.of("'admin' is the last enabled admin and cannot be deleted: make another account an"
                + " admin first"), refused);
    }

    @Test
    void anAdminMayStopBeingOneWhileAnotherEnabledAdminRemains() {
        assertEquals(Optional.empty(), OperatorAccounts.lastAdminProblem("admin", true, false, 2, "disabled"));
    }

    @Test
    void changesThatKeepTheAdminOrConcernNoEnabledAdminAreNeverRefused() {
        // a new password for the last admin; a viewer deleted; a disabled admin deleted
        assertEquals(Optional.empty(), OperatorAccounts.lastAdminProblem("admin", true, true, 1, "changed"));
        assertEquals(Optional.empty(), OperatorAccounts.lastAdminProblem("vera", false, false, 1, "deleted"));
    }
}
