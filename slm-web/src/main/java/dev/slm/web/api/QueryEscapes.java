package dev.slm.web.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * Every API query string's escapes are decoded as strictly as a path's ({@link PathEscapes}) before anything reads
 * it, or the request is a 400: Jersey keeps an escape it cannot decode as it is, so {@code GET /api/nodes?text=%zz}
 * listed the nodes whose name holds "%zz" (none) with a 200, and a filter with a broken escape could never be told
 * from one that matched nothing. A character sent unescaped outside printable ASCII is refused too (the container read
 * its byte as Latin-1).
 */
@Provider
@PreMatching
public class QueryEscapes implements ContainerRequestFilter {

    @jakarta.ws.rs.core.Context
    jakarta.servlet.http.HttpServletRequest servlet;

    @Override
    public void filter(ContainerRequestContext request) {
        // the query as it came (Jersey's request URI is rebuilt from what the container could decode)
        check(servlet != null ? servlet.getQueryString() : request.getUriInfo().getRequestUri().getRawQuery());
    }

    /**
     * @throws dev.slm.platform.InvalidInput for an escape that is not two hex digits, not UTF-8, or a NUL, or a
     *         character not escaped outside printable ASCII, naming the parameter
     */
    static void check(String rawQuery) {
        if (rawQuery == null) {
            return;
        }
        for (String pair : rawQuery.split("&", -1)) {
            int eq = pair.indexOf('=');
            // the value's message names its parameter, as the other refusals of a query do ("text holds ...")
            String name = PathEscapes.decode(eq < 0 ? pair : pair.substring(0, eq), "the query string");
            if (eq >= 0) {
                PathEscapes.decode(pair.substring(eq + 1), JsonRecords.printable(name));
            }
        }
    }
}
