package dev.slm.fleet.boundary;

import jakarta.ejb.ApplicationException;

/**
 * An enrollment whose key cannot be used: unknown, expired, revoked or used up (the API answers 401, the same for
 * each, so that a key's state is told only to whoever holds a valid one; the server's log says which).
 */
@ApplicationException(rollback = true)
public class EnrollmentRefused extends RuntimeException {

    public static final String MESSAGE = "the enrollment key is not valid: unknown, expired, revoked or used up";

    public EnrollmentRefused() {
        super(MESSAGE);
    }

    /** A valid key that does not allow a role the node asked for (the API answers 403). */
    @ApplicationException(rollback = true)
    public static class RoleNotAllowed extends RuntimeException {
        public RoleNotAllowed(String message) {
            super(message);
        }
    }
}
