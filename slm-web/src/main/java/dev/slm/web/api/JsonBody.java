package dev.slm.web.api;

import dev.slm.platform.InvalidInput;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The one way a request body is read, for the heartbeat filter and every JAX-RS endpoint (see {@link JsonBodyReader}):
 * exactly {@code application/json} (charset UTF-8 or none), at most a limit of bytes counted as they arrive (a
 * chunked body, which the authentication mechanism's RequestFraming refuses first, would be bounded too), strict
 * UTF-8, one JSON document and nothing after it, at most {@link #MAX_DEPTH} levels deep, and no string the database cannot store (NUL, an unpaired surrogate). Everything else is a 4xx here,
 * before any value reaches a resource or a batch of heartbeats.
 */
public final class JsonBody {

    /** An agent's call: a heartbeat is ~400 bytes with 50 releases listed (DESIGN.md); 64 KB leaves room for growth. */
    public static final int AGENT_LIMIT = 64 * 1024;
    /**
     * An operator's call: the largest is a fleet sync listing node ids, ~66 bytes each at most — 1 MiB holds
     * ~16,000 of them, more than any fleet we plan for, and keeps a request's buffer small.
     */
    public static final int OPERATOR_LIMIT = 1024 * 1024;
    /** Our documents are three levels deep; a parser that recurses must never meet thousands. */
    static final int MAX_DEPTH = 16;

    /**
     * Parsson's own switch (the server's JSON-P; 1.1.x knows no {@code JsonConfig.KEY_STRATEGY}, which JSON-P 2.1
     * defines for this): a key given twice in one object is refused (the default keeps the last): {"role":"viewer","role":"admin"}
     * means one thing to a check that reads the first and another to a writer that reads the last.
     */
    static final String REJECT_DUPLICATE_KEYS = "org.eclipse.parsson.rejectDuplicateKeys";
    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of(REJECT_DUPLICATE_KEYS, true));

    private JsonBody() {
    }

    /** A body over the limit: 413. */
    public static final class TooLarge extends RuntimeException {
        public TooLarge(int limit) {
            super("the request body is larger than " + limit + " bytes");
        }
    }

    /**
     * The request body could not be read to its end: the client closed the connection (or it broke) before it had sent
     * what it declared. Its fault, not the server's — a 400 nobody will read, and nothing in the log: as a server
     * fault it wrote four stack traces, ~20 KB, for each such request, which anyone could send (an enrolment's body is
     * read before it is known to be anyone's).
     */
    public static final class ClientGone extends RuntimeException {
        public ClientGone(java.io.IOException cause) {
            super("the request body ended before it was whole (the connection was closed): " + cause, cause);
        }
    }

    /** A media type other than JSON in UTF-8: 415. */
    public static final class WrongMediaType extends RuntimeException {
        public WrongMediaType(String type) {
            super("send the body as application/json (UTF-8), not " + (type == null ? "without a Content-Type" : "as " + type));
        }
    }

    /** Exactly {@code application/json}, with no parameter but {@code charset=utf-8} (RFC 8259: JSON is UTF-8). */
    public static void requireJson(String contentType) {
        if (contentType == null) {
            throw new WrongMediaType(null);
        }
        String[] parts = contentType.split(";", -1);
        boolean json = parts[0].trim().equalsIgnoreCase("application/json");
        for (int i = 1; json && i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
            json = p.equals("charset=utf-8") || p.equals("charset=\"utf-8\"");
        }
        if (!json) {
            throw new WrongMediaType(contentType);
        }
    }

    /**
     * Reads at most {@code limit} bytes; one more is a {@link TooLarge}. A declared length over the limit is refused
     * before a byte is read; a body that breaks off is a {@link ClientGone}.
     */
    public static byte[] read(InputStream in, long declaredLength, int limit) throws IOException {
        if (declaredLength > limit) {
            throw new TooLarge(limit);
        }
        byte[] buffer = new byte[declaredLength >= 0 ? (int) declaredLength + 1 : 1024];
        int size = 0;
        while (true) {
            if (size == buffer.length) {
                if (size > limit) {
                    throw new TooLarge(limit);
                }
                buffer = Arrays.copyOf(buffer, Math.min(limit + 1, buffer.length * 2));
            }
            int n;
            try {
                n = in.read(buffer, size, buffer.length - size);
            } catch (java.io.IOException e) {
                throw new ClientGone(e);
            }
            if (n < 0) {
                return Arrays.copyOf(buffer, size);
            }
            size += n;
            if (size > limit) {
                throw new TooLarge(limit);
            }
        }
    }

    /** One JSON document, checked as the class comment says; {@link InvalidInput} (400) otherwise. */
    public static JsonValue parse(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInput("the request body is not valid UTF-8");
        }
        if (text.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            throw new InvalidInput("the request body is empty: a JSON document is required");
        }
        checkDepth(text);
        JsonValue value;
        try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
            parser.next();
            value = parser.getValue();
            if (parser.hasNext()) {
                throw new InvalidInput("malformed JSON: something follows the document");
            }
        } catch (JsonException | NoSuchElementException | IllegalStateException e) {
            throw new InvalidInput("malformed JSON: " + e.getMessage());
        } catch (UnsupportedOperationException e) {
            // Parsson's bound on a number's digits (1,100), which it throws as this, not as a JsonException
            throw new InvalidInput("a number of the request is too long: " + e.getMessage());
        }
        checkStrings(value);
        return value;
    }

    /** Counts brackets outside strings: a deep document is refused before a recursive parser sees it. */
    private static void checkDepth(String text) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    throw new InvalidInput("the JSON document is nested deeper than " + MAX_DEPTH + " levels");
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
    }

    private static void checkStrings(JsonValue value) {
        if (value instanceof JsonString s) {
            checkString(s.getString());
        } else if (value instanceof JsonObject o) {
            for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                checkString(e.getKey());
                checkStrings(e.getValue());
            }
        } else if (value instanceof JsonArray a) {
            a.forEach(JsonBody::checkStrings);
        }
    }

    /** PostgreSQL text holds neither NUL nor half a surrogate pair (the driver would send '?' for the latter). */
    static void checkString(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                throw new InvalidInput("a string of the request holds a NUL character (\\u0000)");
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    throw new InvalidInput("a string of the request holds an unpaired surrogate (\\u"
                            + Integer.toHexString(c) + "): not a Unicode character");
                }
            }
        }
    }
}
