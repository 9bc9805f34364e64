package dev.slm.access.entity;

/** Roles are ordered: every role includes the rights of the roles below it. */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    public boolean includes(Role other) {
        return ordinal() >= other.ordinal();
    }

    /** The container role names a caller with this role is in (see glassfish-web.xml's mapping). */
    public String roleName() {
        return name().toLowerCase();
    }
}
