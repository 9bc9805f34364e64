package dev.slm.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.platform.InvalidInput;
import org.junit.jupiter.api.Test;

class OperationIdTest {

    @Test
    void anOperationIdIsDigitsWithinALong() {
        assertEquals(42L, OperationsResource.operationId("42"));
        assertEquals(Long.MAX_VALUE, OperationsResource.operationId(String.valueOf(Long.MAX_VALUE)));
    }

    @Test
    void anythingElseIsRefusedNamingTheValue() {
        for (String bad : new String[] {"", "abc", "-1", "+1", " 1", "1.0", "1e3", "０", "99999999999999999999"}) {
            InvalidInput refused = assertThrows(InvalidInput.class, () -> OperationsResource.operationId(bad), bad);
            assertTrue(refused.getMessage().startsWith("operation id must be"), refused.getMessage());
        }
        assertThrows(InvalidInput.class, () -> OperationsResource.operationId("9223372036854775808"));
    }
}
