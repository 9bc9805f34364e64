package dev.slm.web.api;

import dev.slm.platform.InvalidInput;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding of a path as RFC 3986 has it: {@code %} and two hex digits, the bytes strict UTF-8, and a
 * {@code +} is a plus (not a space: that is form encoding). Anything else is a 400 — never decoded into something
 * else, never an empty answer.
 */
public final class PathEscapes {

    private PathEscapes() {
    }

    /**
     * A character sent as it is must be printable ASCII: the container reads a byte beyond as Latin-1 ("é" sent as
     * UTF-8 became "Ã©"), so a query's {@code text=\xff} listed nothing with a 200 instead of being refused.
     */
    private static void printable(char c, String where) {
        if (c < 0x21 || c > 0x7e) {
            throw new InvalidInput(where + " holds a character that is not percent-escaped (send it as UTF-8 %XX)");
        }
    }

    /** An ASCII hex digit's value, else -1 (Character.digit also takes other scripts' digits: "%\u0664\u0661" is no "A"). */
    private static int hex(char c) {
        return c < 128 ? Character.digit(c, 16) : -1;
    }

    public static String decode(String raw) {
        return decode(raw, "the path");
    }

    /** @param where what is decoded, the subject of the message: "the path", or a query parameter's name */
    static String decode(String raw, String where) {
        if (raw.indexOf('%') < 0) {
            for (int i = 0; i < raw.length(); i++) {
                printable(raw.charAt(i), where);
            }
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || hex(raw.charAt(i + 1)) < 0 || hex(raw.charAt(i + 2)) < 0) {
                    throw new InvalidInput(where + " holds a malformed percent-escape: % must be followed by two hex digits");
                }
                bytes.write(hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2)));
                i += 2;
            } else {
                printable(c, where);
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInput(where + "'s percent-escapes are not UTF-8");
        }
        // PostgreSQL text cannot hold it: a lookup by such an id would fail in the database, as a 500
        if (decoded.indexOf('\0') >= 0) {
            throw new InvalidInput(where + " holds an escaped NUL character (%00)");
        }
        return decoded;
    }
}
