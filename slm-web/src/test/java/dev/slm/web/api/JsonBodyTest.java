package dev.slm.web.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.platform.InvalidInput;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every request body's first reader: media type, size, encoding, one document, depth, storable strings. */
class JsonBodyTest {

    @Test
    void onlyJsonInUtf8IsAcceptedAsTheMediaType() {
        for (String ok : List.of("application/json", "Application/JSON", " application/json ", "application/json; charset=utf-8",
                "application/json;charset=UTF-8", "application/json; charset=\"utf-8\"", "application/json; charset = utf-8")) {
            JsonBody.requireJson(ok);
        }
        List<String> accepted = new ArrayList<>();
        for (String wrong : Arrays.asList(null, "", " ", "text/plain", "application/jsonx", "application/json-patch+json",
                "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1", "application/json; charset=utf-16",
                "application/json;", "application/json; charset=utf-8; boundary=x", "application/json; q=1", "json",
                "application/json, text/plain")) {
            try {
                JsonBody.requireJson(wrong);
                accepted.add(wrong);
            } catch (JsonBody.WrongMediaType expected) {
                assertTrue(expected.getMessage().startsWith("send the body as application/json"), expected.getMessage());
            }
        }
        assertEquals(List.of(), accepted);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeAByteIsRead() {
        InputStream unread = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("read although the declared length was over the limit");
            }
        };
        JsonBody.TooLarge e = assertThrows(JsonBody.TooLarge.class, () -> JsonBody.read(unread, 101, 100));
        assertEquals("the request body is larger than 100 bytes", e.getMessage());
        assertThrows(JsonBody.TooLarge.class, () -> JsonBody.read(unread, Long.MAX_VALUE, 100));
    }

    @Test
    void aBodyThatBreaksOffIsTheClientsLeavingNotAnIoFault() {
        InputStream breaksOff = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent++ < 10) {
                    return '{';
                }
                throw new java.io.EOFException();
            }
        };
        JsonBody.ClientGone e = assertThrows(JsonBody.ClientGone.class, () -> JsonBody.read(breaksOff, 200, 1000));
        assertTrue(e.getCause() instanceof java.io.EOFException, e.toString());
    }

    @Test
    void theLimitIsCountedAsTheBytesArriveWhateverTheDeclaredLength() throws IOException {
        byte[] limit = new byte[100];
        assertArrayEquals(limit, JsonBody.read(new ByteArrayInputStream(limit), -1, 100), "exactly the limit, chunked");
        assertArrayEquals(limit, JsonBody.read(new ByteArrayInputStream(limit), 100, 100), "exactly the limit, declared");
        byte[] over = new byte[101];
        // chunked (no length), a length that lies low, and one that says nothing
        for (long declared : new long[] {-1, 0, 10, 100}) {
            assertThrows(JsonBody.TooLarge.class, () -> JsonBody.read(new ByteArrayInputStream(over), declared, 100),
                    "declared " + declared);
            assertThrows(JsonBody.TooLarge.class, () -> JsonBody.read(new Trickle(new byte[100_000]), declared, 100),
                    "declared " + declared + ", a byte at a time");
        }
        assertArrayEquals(new byte[0], JsonBody.read(new ByteArrayInputStream(new byte[0]), -1, 100));
        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8),
                JsonBody.read(new Trickle("{}".getBytes(StandardCharsets.UTF_8)), 2, 100));
    }

    @Test
    void oneJsonDocumentIsParsed() {
        JsonObject o = JsonBody.parse(utf8("{\"a\": [1, \"two\", {\"b\": null}], \"smile\": \"\\ud83d\\ude00 \u00e9\"}"))
                .asJsonObject();
        assertEquals("two", o.getJsonArray("a").getString(1));
        assertEquals("\ud83d\ude00 \u00e9", o.getString("smile"));
        assertEquals(JsonValue.TRUE, JsonBody.parse(utf8(" true ")));
    }

    @Test
    void whatIsNotOneJsonDocumentIsA400ThatSaysWhy() {
        assertRefused("", "the request body is empty");
        assertRefused("   \n ", "the request body is empty");
        assertRefused("{} {}", "malformed JSON");
        assertRefused("{}x", "malformed JSON");
        assertRefused("[1] // comment", "malformed JSON");
        assertRefused("{\"a\":1,}", "malformed JSON");
        assertRefused("{'a':1}", "malformed JSON");
        assertRefused("{\"a\":01}", "malformed JSON");
        assertRefused("{\"a\":NaN}", "malformed JSON");
        assertRefused("{\"a\":\"unterminated}", "malformed JSON");
        assertRefused("{\"a\":\"\\x41\"}", "malformed JSON");
        assertRefused("{\"a\":\"tab\tinside\"}", "malformed JSON");
        assertRefused("\u00ef\u00bb\u00bf{}", "malformed JSON");
    }

    @Test
    void aBodyThatIsNotStrictUtf8IsRefused() {
        for (byte[] bytes : List.of(
                new byte[] {'"', (byte) 0xC3, 0x28, '"'},                       // a lead byte without its continuation
                new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'},                // an overlong '/'
                new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},   // a surrogate encoded (CESU-8)
                new byte[] {'"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'}, // beyond U+10FFFF
                new byte[] {'"', (byte) 0xFF, '"'},
                "\"caf\u00e9\"".getBytes(StandardCharsets.ISO_8859_1),
                "{}".getBytes(StandardCharsets.UTF_16))) {
            InvalidInput e = assertThrows(InvalidInput.class, () -> JsonBody.parse(bytes), Arrays.toString(bytes));
            assertTrue(e.getMessage().contains("not valid UTF-8") || e.getMessage().contains("malformed JSON"), e.getMessage());
        }
    }

    @Test
    void sixteenLevelsAreEnoughAndSeventeenAreRefusedBeforeTheParserRecurses() {
        JsonBody.parse(utf8("[".repeat(16) + "]".repeat(16)));
        JsonBody.parse(utf8("{\"a\":".repeat(15) + "[]" + "}".repeat(15)));
        assertRefused("[".repeat(17) + "]".repeat(17), "nested deeper than 16 levels");
        // unbalanced and never closed: the count stops it all the same, at the 17th
        assertRefused("[".repeat(100_000), "nested deeper than 16 levels");
        // brackets inside strings, escaped quotes too, are text
        JsonBody.parse(utf8("[\"" + "[{".repeat(100) + "\\\"" + "[".repeat(100) + "\"]"));
    }

    @Test
    void stringsTheDatabaseCannotStoreAreRefusedInValuesAndInKeys() {
        assertRefused("{\"a\":\"x\\u0000y\"}", "NUL character");
        assertRefused("{\"x\\u0000\":1}", "NUL character");
        assertRefused("[[\"\\u0000\"]]", "NUL character");
        assertRefused("{\"a\":\"\\ud800\"}", "unpaired surrogate (\\ud800)");
        assertRefused("{\"a\":\"\\udc00\\ud800\"}", "unpaired surrogate (\\udc00)");
        assertRefused("{\"a\":\"end\\ud83d\"}", "unpaired surrogate");
        assertRefused("{\"\\ude00\":1}", "unpaired surrogate");
    }

    @Test
    void aKeyGivenTwiceIsRefusedRatherThanOneOfItsValuesPickedSilently() {
        // {"role":"viewer","role":"admin"}: a check reading the first and a writer reading the last disagree
        assertRefused("{\"role\":\"viewer\",\"role\":\"admin\"}", "malformed JSON");
        assertRefused("{\"a\":{\"b\":1,\"b\":1}}", "malformed JSON");
        assertRefused("[{\"a\":1,\"a\":null}]", "malformed JSON");
        assertEquals(2, JsonBody.parse(utf8("[{\"a\":1},{\"a\":2}]")).asJsonArray().size(), "the same key in two objects");
    }

    @Test
    void hugeNumbersAndLongStringsParseAndAreLeftToTheFieldsChecks() {
        JsonObject o = JsonBody.parse(utf8("{\"n\":1e999999999,\"m\":" + "9".repeat(1000) + ",\"s\":\"" + "x".repeat(200_000)
                + "\"}")).asJsonObject();
        assertEquals(200_000, o.getString("s").length());
        assertEquals(1000, o.getJsonNumber("m").toString().length());
    }

    @Test
    void aNumberOfMoreDigitsThanTheParserTakesIsA400NotA500() {
        // before: Parsson's UnsupportedOperationException passed the catch, and the server answered 500
        assertRefused("{\"n\":" + "9".repeat(10_000) + "}", "a number of the request is too long");
        assertRefused("[0." + "1".repeat(2000) + "]", "a number of the request is too long");
    }

    private static void assertRefused(String body, String reason) {
        InvalidInput e = assertThrows(InvalidInput.class, () -> JsonBody.parse(utf8(body)), body);
        assertTrue(e.getMessage().contains(reason), body + ": " + e.getMessage());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Hands out one byte per read, as a slow client's chunks arrive. */
    static final class Trickle extends ByteArrayInputStream {
        Trickle(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1));
        }
    }
}
