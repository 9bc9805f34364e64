package dev.slm.access.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoleTest {

    @Test
    void eachRoleIsInTheGroupsOfItselfAndTheRolesBelowItOnly() {
        assertEquals(Set.of("admin", "operator", "viewer"), Role.ADMIN.groups());
        assertEquals(Set.of("operator", "viewer"), Role.OPERATOR.groups());
        assertEquals(Set.of("viewer"), Role.VIEWER.groups());
    }

    @Test
    void theRoleOfItsGroupsIsTheRoleItself() {
        for (Role r : Role.values()) {
            assertEquals(r, Role.of(r.groups()));
        }
        assertEquals(Role.VIEWER, Role.of(List.of()));
    }

    @Test
    void theConstantsForRolesAllowedAreTheRoleNames() {
        assertEquals(List.of(Role.Names.VIEWER, Role.Names.OPERATOR, Role.Names.ADMIN),
                List.of(Role.VIEWER.roleName(), Role.OPERATOR.roleName(), Role.ADMIN.roleName()));
    }

    @Test
    void roleNamesDoNotDependOnTheServersLanguage() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR")); // "ADMIN".toLowerCase() is "admın" there: no one could log in
        try {
            assertEquals(List.of("viewer", "operator", "admin"),
                    List.of(Role.VIEWER.roleName(), Role.OPERATOR.roleName(), Role.ADMIN.roleName()));
        } finally {
            Locale.setDefault(before);
        }
    }
}
