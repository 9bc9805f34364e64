package dev.slm.access.entity;

import java.util.Locale;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The roles and their hierarchy, defined here and nowhere else: admin ⊃ operator ⊃ viewer, in the order of the
 * constants. The identity store puts a caller in the container group of its role and of every role below it
 * ({@link #groups()}), so the container's own role check ({@code @RolesAllowed} on the boundary EJBs) needs no
 * hierarchy of its own: "operator" is true for an admin too.
 */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    /** The container role names, as {@code @RolesAllowed} needs them (constants). */
    public static final class Names {
        public static final String VIEWER = "viewer";
        public static final String OPERATOR = "operator";
        public static final String ADMIN = "admin";

        private Names() {
        }
    }

    /** The container role name of this role (one of {@link Names}). */
    public String roleName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The container groups (= roles) a caller with this role is in: its own and every one below it. */
    public Set<String> groups() {
        return Arrays.stream(values()).filter(r -> r.ordinal() <= ordinal()).map(Role::roleName)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The role whose {@link #groups()} these are (the highest among them); viewer when none is known. */
    public static Role of(Collection<String> groups) {
        Role highest = VIEWER;
        for (Role r : values()) {
            if (groups.contains(r.roleName())) {
                highest = r;
            }
        }
        return highest;
    }
}
