package dev.slm.access.entity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RoleTest {

    @Test
    void eachRoleIncludesTheRolesBelowItOnly() {
        assertTrue(Role.ADMIN.includes(Role.OPERATOR));
        assertTrue(Role.ADMIN.includes(Role.VIEWER));
        assertTrue(Role.OPERATOR.includes(Role.VIEWER));
        assertFalse(Role.OPERATOR.includes(Role.ADMIN));
        assertFalse(Role.VIEWER.includes(Role.OPERATOR));
    }
}
