package dev.slm.web.api;

import dev.slm.platform.InvalidInput;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Binds a request body to one of the {@link Requests} records, strictly: each field by its snake_case name, of exactly
 * its JSON type ({@code "restart": "yes"} is refused, not read as false; {@code "node_id": 42} is refused, not read as
 * "42" — what a lenient JSON-B binding does), and a field the record does not have is refused by name (a typo such as
 * {@code restart_typ} would otherwise be silently ignored). What a field's value must be is then Bean Validation's
 * job ({@code @Valid} on the resource's parameter). A JSON {@code null} or a missing field gives null.
 */
final class JsonRecords {

    private JsonRecords() {
    }

    /** @throws InvalidInput (400) naming the field, for a body that is not an object of the record's fields */
    static <R extends Record> R bind(JsonValue body, Class<R> type) {
        if (body.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (body.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new InvalidInput("a JSON object is required as the request body");
        }
        JsonObject object = body.asJsonObject();
        RecordComponent[] components = type.getRecordComponents();
        List<String> names = Arrays.stream(components).map(c -> Requests.wireName(c.getName())).toList();
        for (String key : object.keySet()) {
            if (!names.contains(key)) {
                throw new InvalidInput("unknown field '" + printable(key) + "'; this body takes "
                        + names.stream().collect(Collectors.joining(", ")));
            }
        }
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            JsonValue v = object.get(names.get(i));
            values[i] = v == null || v.getValueType() == JsonValue.ValueType.NULL ? null
                    : value(names.get(i), v, components[i].getGenericType());
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a " + type.getSimpleName(), e);
        }
    }

    private static Object value(String name, JsonValue v, Type type) {
        if (type == String.class) {
            if (v instanceof JsonString s) {
                return s.getString();
            }
            throw new InvalidInput(name + " must be a string");
        }
        if (type == Boolean.class) {
            if (v == JsonValue.TRUE || v == JsonValue.FALSE || v.getValueType() == JsonValue.ValueType.TRUE
                    || v.getValueType() == JsonValue.ValueType.FALSE) {
                return v.getValueType() == JsonValue.ValueType.TRUE;
            }
            throw new InvalidInput(name + " must be true or false");
        }
        if (type == Integer.class || type == Long.class) {
            if (v instanceof JsonNumber n && n.isIntegral()) {
                try {
                    long l = n.bigIntegerValueExact().longValueExact();
                    if (type == Integer.class && (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE)) {
                        throw new ArithmeticException();
                    }
                    return type == Integer.class ? (Object) (int) l : (Object) l;
                } catch (ArithmeticException e) {
                    throw new InvalidInput(name + " is out of range");
                }
            }
            throw new InvalidInput(name + " must be a whole number");
        }
        if (type == Requests.Share.class) {
            // a count (3, "3") or a percentage ("10%"); what the text says is the rollout's rule (Share.parse)
            if (v instanceof JsonNumber n && n.isIntegral()) {
                return new Requests.Share(n.bigIntegerValue().toString());
            }
            if (v instanceof JsonString s) {
                return new Requests.Share(s.getString());
            }
            throw new InvalidInput(name + " must be a count of nodes or a percentage such as \"10%\"");
        }
        if (type instanceof ParameterizedType p && p.getRawType() == List.class
                && p.getActualTypeArguments()[0] == String.class) {
            if (!(v instanceof JsonArray array)) {
                throw new InvalidInput(name + " must be an array of strings");
            }
            List<String> out = new ArrayList<>(array.size());
            for (JsonValue item : array) {
                if (!(item instanceof JsonString s)) {
                    throw new InvalidInput(name + " must be an array of strings");
                }
                out.add(s.getString());
            }
            return List.copyOf(out);
        }
        throw new IllegalStateException("a request record may not have a field of type " + type);
    }

    /** A key as it can be shown in a message: at most 64 characters, no control characters. */
    static String printable(String key) {
        return dev.slm.platform.Shown.printable(key, 64);
    }
}
