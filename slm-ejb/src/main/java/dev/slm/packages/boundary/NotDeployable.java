package dev.slm.packages.boundary;

import dev.slm.platform.Conflict;
import jakarta.ejb.ApplicationException;

/** A sync to, or the package of, a commit no agent could install; the API answers 409 with the reason. */
@ApplicationException(rollback = true)
public class NotDeployable extends Conflict {

    private final String commit;
    private final String reason;

    public NotDeployable(String commit, String reason) {
        super("commit " + commit + " is not deployable: " + reason);
        this.commit = commit;
        this.reason = reason;
    }

    public String commit() {
        return commit;
    }

    public String reason() {
        return reason;
    }
}
