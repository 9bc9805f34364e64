package dev.slm.web.api;

import dev.slm.platform.InvalidInput;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Typed reads from a request body, each failing with a message that names the field. */
final class JsonInput {

    private final JsonObject body;

    private JsonInput(JsonObject body) {
        this.body = body;
    }

    static JsonInput of(JsonValue body) {
        if (!(body instanceof JsonObject object)) {
            throw new InvalidInput("a JSON object is required as the request body");
        }
        return new JsonInput(object);
    }

    Optional<String> string(String name) {
        JsonValue v = body.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return Optional.empty();
        }
        if (v instanceof JsonString s) {
            return Optional.of(s.getString());
        }
        throw new InvalidInput(name + " must be a string");
    }

    String requiredString(String name) {
        return string(name).orElseThrow(() -> new InvalidInput(name + " is required"));
    }

    Optional<Long> longValue(String name) {
        JsonValue v = body.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return Optional.empty();
        }
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                return Optional.of(n.longValueExact());
            } catch (ArithmeticException e) {
                throw new InvalidInput(name + " is out of range (a 64-bit integer)");
            }
        }
        throw new InvalidInput(name + " must be an integer");
    }

    List<String> strings(String name) {
        JsonValue v = body.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return List.of();
        }
        if (!(v instanceof JsonArray array)) {
            throw new InvalidInput(name + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonValue item : array) {
            if (!(item instanceof JsonString s)) {
                throw new InvalidInput(name + " must be an array of strings");
            }
            out.add(s.getString());
        }
        return out;
    }

    <E extends Enum<E>> Optional<E> enumValue(String name, Class<E> type) {
        return string(name).map(s -> {
            try {
                return Enum.valueOf(type, s.trim().toUpperCase(java.util.Locale.ROOT)); // "viewer" as well as "VIEWER"
            } catch (IllegalArgumentException e) {
                throw new InvalidInput(name + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
            }
        });
    }
}
