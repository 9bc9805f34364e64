package dev.slm.platform;

import jakarta.ejb.ApplicationException;

/** Input that breaks a rule; the API answers 400 with this message. Rolls the transaction back. */
@ApplicationException(rollback = true)
public class InvalidInput extends RuntimeException {
    public InvalidInput(String message) {
        super(message);
    }
}
