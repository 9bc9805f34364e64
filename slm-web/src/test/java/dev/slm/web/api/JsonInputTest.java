package dev.slm.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.platform.InvalidInput;
import java.time.DayOfWeek;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Typed reads of a body's fields: absent or null is "not given"; any other type is a 400 naming the field. */
class JsonInputTest {

    /** One value of each JSON type but the one asked for, as a field "f". */
    static final List<String> EVERY_TYPE = List.of("\"text\"", "1", "-1.5", "true", "false", "[]", "[\"a\"]", "{}",
            "{\"f\":1}");

    @Test
    void onlyAnObjectIsABody() {
        for (String body : List.of("[]", "\"text\"", "1", "true", "null", "[{}]")) {
            InvalidInput e = assertThrows(InvalidInput.class, () -> JsonInput.of(JsonBody.parse(JsonBodyTest.utf8(body))));
            assertEquals("a JSON object is required as the request body", e.getMessage());
        }
    }

    @Test
    void aStringFieldTakesOnlyAString() {
        assertEquals(Optional.of("x"), in("{\"f\":\"x\"}").string("f"));
        assertEquals(Optional.of(""), in("{\"f\":\"\"}").string("f"), "empty is a value; the field's own rule judges it");
        assertEquals(Optional.empty(), in("{\"f\":null}").string("f"));
        assertEquals(Optional.empty(), in("{}").string("f"));
        assertEquals(Optional.empty(), in("{\"F\":\"x\"}").string("f"), "names are case-sensitive");
        assertWrongType(i -> i.string("f"), "f must be a string", "\"text\"");
        assertEquals("f is required", assertThrows(InvalidInput.class, () -> in("{\"f\":null}").requiredString("f")).getMessage());
        assertEquals("f is required", assertThrows(InvalidInput.class, () -> in("{}").requiredString("f")).getMessage());
    }

    @Test
    void anIntegerFieldTakesOnlyA64BitInteger() {
        assertEquals(Optional.of(Long.MAX_VALUE), in("{\"f\":9223372036854775807}").longValue("f"));
        assertEquals(Optional.of(Long.MIN_VALUE), in("{\"f\":-9223372036854775808}").longValue("f"));
        assertEquals(Optional.empty(), in("{\"f\":null}").longValue("f"));
        for (String big : List.of("9223372036854775808", "-9223372036854775809", "9".repeat(400))) {
            InvalidInput e = assertThrows(InvalidInput.class, () -> in("{\"f\":" + big + "}").longValue("f"), big);
            assertEquals("f is out of range (a 64-bit integer)", e.getMessage(), big);
        }
        // an integer is written as one: with a fraction or an exponent it is not, whatever its value
        for (String fraction : List.of("1.5", "1e-1", "-0.0001", "7.0", "1e2", "1E19", "1e999999999", "-0.0")) {
            InvalidInput e = assertThrows(InvalidInput.class, () -> in("{\"f\":" + fraction + "}").longValue("f"));
            assertEquals("f must be an integer", e.getMessage(), fraction);
        }
        assertWrongType(JsonInputTest::longOf, "f must be an integer", "1", "-1.5");
        assertEquals("f must be an integer",
                assertThrows(InvalidInput.class, () -> in("{\"f\":\"5\"}").longValue("f")).getMessage(), "not a number in a string");
    }

    @Test
    void aListFieldTakesOnlyAnArrayOfStrings() {
        assertEquals(List.of("a", "b", "a"), in("{\"f\":[\"a\",\"b\",\"a\"]}").strings("f"));
        assertEquals(List.of(), in("{\"f\":[]}").strings("f"));
        assertEquals(List.of(), in("{\"f\":null}").strings("f"));
        assertEquals(List.of(), in("{}").strings("f"));
        assertWrongType(i -> i.strings("f"), "f must be an array of strings", "[]", "[\"a\"]");
        for (String mixed : List.of("[\"a\",1]", "[null]", "[[\"a\"]]", "[\"a\",{}]", "[true]")) {
            assertEquals("f must be an array of strings",
                    assertThrows(InvalidInput.class, () -> in("{\"f\":" + mixed + "}").strings("f")).getMessage(), mixed);
        }
    }

    @Test
    void anEnumFieldTakesItsNamesInAnyCaseAndListsThemOtherwise() {
        assertEquals(Optional.of(DayOfWeek.MONDAY), in("{\"f\":\"monday\"}").enumValue("f", DayOfWeek.class));
        assertEquals(Optional.of(DayOfWeek.MONDAY), in("{\"f\":\" Monday \"}").enumValue("f", DayOfWeek.class));
        assertEquals(Optional.empty(), in("{\"f\":null}").enumValue("f", DayOfWeek.class));
        for (String wrong : List.of("", " ", "mon", "MONDAY,TUESDAY", "0", "funday")) {
            InvalidInput e = assertThrows(InvalidInput.class,
                    () -> in("{\"f\":\"" + wrong + "\"}").enumValue("f", DayOfWeek.class), wrong);
            assertTrue(e.getMessage().startsWith("f must be one of [MONDAY, TUESDAY"), e.getMessage());
        }
        assertEquals("f must be a string",
                assertThrows(InvalidInput.class, () -> in("{\"f\":1}").enumValue("f", DayOfWeek.class)).getMessage());
    }

    private static Object longOf(JsonInput i) {
        return i.longValue("f");
    }

    /** Every JSON type except {@code allowed} is refused with {@code message}. */
    private static void assertWrongType(Function<JsonInput, ?> read, String message, String... allowed) {
        for (String value : EVERY_TYPE) {
            if (List.of(allowed).contains(value)) {
                continue;
            }
            InvalidInput e = assertThrows(InvalidInput.class, () -> read.apply(in("{\"f\":" + value + "}")), value);
            assertEquals(message, e.getMessage(), value);
        }
    }

    private static JsonInput in(String body) {
        return JsonInput.of(JsonBody.parse(JsonBodyTest.utf8(body)));
    }
}
