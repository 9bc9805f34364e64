package dev.slm.platform;

import jakarta.ejb.ApplicationException;

/** A request that clashes with the current state (a taken name, a busy node); the API answers 409. */
@ApplicationException(rollback = true)
public class Conflict extends RuntimeException {
    public Conflict(String message) {
        super(message);
    }
}
