package dev.slm.platform;

import jakarta.ejb.ApplicationException;

/** A named thing that does not exist; the API answers 404. */
@ApplicationException(rollback = true)
public class NotFound extends RuntimeException {
    public NotFound(String message) {
        super(message);
    }
}
