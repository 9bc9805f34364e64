package dev.slm.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.access.entity.Role;
import dev.slm.platform.InvalidInput;
import dev.slm.rollout.entity.RestartType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonRecordsTest {

    private static <R extends Record> R bind(String json, Class<R> type) {
        return JsonRecords.bind(JsonBody.parse(json.getBytes(StandardCharsets.UTF_8)), type);
    }

    private static String refused(String json, Class<? extends Record> type) {
        return assertThrows(InvalidInput.class, () -> bind(json, type)).getMessage();
    }

    @Test
    void fieldsBindBySnakeCaseNameAndMissingOrNullOnesAreNull() {
        Requests.FleetSync s = bind("{\"node_ids\":[\"a\",\"b\"],\"all_outdated\":true,\"restart_type\":\"IMMEDIATE\"}",
                Requests.FleetSync.class);
        assertEquals(List.of("a", "b"), s.nodeIds());
        assertEquals(true, s.allOutdated());
        assertNull(s.strategy());
        assertEquals(RestartType.IMMEDIATE, s.options().type());
        assertTrue(s.options().restarts(), "restart defaults to true");
        Requests.Sync none = bind("{\"restart\":null}", Requests.Sync.class);
        assertTrue(none.restarts());
        assertEquals(RestartType.GRACEFUL, none.type());
        assertNull(bind("null", Requests.Sync.class), "a null body is no body: the resource takes the defaults");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"yes\"", "1", "0", "\"true\"", "[]", "{}"})
    void aFlagIsTrueOrFalseNothingElse(String value) {
        assertEquals("restart must be true or false", refused("{\"restart\":" + value + "}", Requests.Sync.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "true", "[\"a\"]", "{}", "4.2e1"})
    void aStringIsAStringNotANumberReadAsOne(String value) {
        assertEquals("node_id must be a string", refused("{\"node_id\":" + value + "}", Requests.NewNode.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"a\"", "[1]", "[\"a\",null]", "[[\"a\"]]", "{\"0\":\"a\"}"})
    void aListOfNodesIsAnArrayOfStrings(String value) {
        assertEquals("node_ids must be an array of strings", refused("{\"node_ids\":" + value + "}", Requests.FleetSync.class));
    }

    @Test
    void anUnknownFieldIsRefusedByNameRatherThanIgnored() {
        String message = refused("{\"restart_typ\":\"immediate\"}", Requests.Sync.class);
        assertEquals("unknown field 'restart_typ'; this body takes restart, restart_type, reinstall, target_commit, override_window", message);
        assertTrue(refused("{\"a\\u0007b\":1}", Requests.Sync.class).contains("'a?b'"), "no control character echoed");
        assertTrue(refused("{\"" + "k".repeat(5000) + "\":1}", Requests.Sync.class).length() < 200, "a long key is cut");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"body\"", "42", "true"})
    void aBodyThatIsNotAnObjectIsRefused(String body) {
        assertEquals("a JSON object is required as the request body", refused(body, Requests.NewUser.class));
    }

    @Test
    void aRoleIsReadInAnyCase() {
        assertEquals(Role.OPERATOR, bind("{\"username\":\"u\",\"password\":\"p\",\"role\":\" Operator \"}",
                Requests.NewUser.class).roleOrNull());
        assertNull(bind("{\"username\":\"u\",\"password\":\"p\"}", Requests.NewUser.class).roleOrNull());
    }

    @Test
    void wireNamesAreSnakeCase() {
        assertEquals("all_outdated", Requests.wireName("allOutdated"));
        assertEquals("value", Requests.wireName("value"));
    }
}
