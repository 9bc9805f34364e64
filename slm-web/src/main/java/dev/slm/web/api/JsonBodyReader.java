package dev.slm.web.api;

import java.util.Locale;
import dev.slm.platform.InvalidInput;
import dev.slm.web.api.security.AgentAuthenticated;
import jakarta.json.JsonValue;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Method;

/**
 * Every body a JAX-RS resource reads goes through {@link JsonBody}: exact media type, a limit counted while reading
 * (agents' calls {@value JsonBody#AGENT_LIMIT} bytes, operators' {@value JsonBody#OPERATOR_LIMIT}), strict UTF-8,
 * one document, bounded depth, storable strings. It runs when the resource's entity parameter is read, i.e. after the
 * request filters: an agent's token ({@code AgentTokenFilter}) and an operator's login are checked before a byte of
 * the body is read.
 */
@Provider
public class JsonBodyReader implements ReaderInterceptor {

    @Context
    ResourceInfo resource;

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        JsonBody.requireJson(context.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE));
        byte[] bytes = JsonBody.read(context.getInputStream(), declaredLength(context), limit());
        if (JsonValue.class.isAssignableFrom(context.getType())) {
            JsonValue value = JsonBody.parse(bytes);
            if (!context.getType().isInstance(value)) {
                throw new InvalidInput("a JSON " + context.getType().getSimpleName().replace("Json", "").toLowerCase(Locale.ROOT)
                        + " is required as the request body");
            }
            return value;
        }
        if (context.getType().isRecord()) {
            // the operator API's bodies (Requests): bound strictly here; Bean Validation checks them next (@Valid)
            return JsonRecords.bind(JsonBody.parse(bytes), context.getType().asSubclass(Record.class));
        }
        JsonBody.parse(bytes);
        context.setInputStream(new ByteArrayInputStream(bytes));
        return context.proceed();
    }

    private int limit() {
        Method method = resource == null ? null : resource.getResourceMethod();
        boolean agent = method != null && (method.isAnnotationPresent(AgentAuthenticated.class)
                || method.getDeclaringClass().isAnnotationPresent(AgentAuthenticated.class));
        return agent ? JsonBody.AGENT_LIMIT : JsonBody.OPERATOR_LIMIT;
    }

    private static long declaredLength(ReaderInterceptorContext context) {
        String value = context.getHeaders().getFirst(HttpHeaders.CONTENT_LENGTH);
        try {
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
