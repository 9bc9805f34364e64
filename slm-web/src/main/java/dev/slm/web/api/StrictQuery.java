package dev.slm.web.api;

import dev.slm.platform.InvalidInput;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;

/**
 * A query string taken whole or refused: one parameter, at most once, and nothing else. A typo such as {@code lim=5},
 * a second value is a 400 naming it, not ignored (a malformed escape is refused before: QueryEscapes).
 */
final class StrictQuery {

    private StrictQuery() {
    }

    /**
     * @return the value of {@code name}, null when it is not given
     * @throws InvalidInput naming the parameter
     */
    static String single(UriInfo uri, String name) {
        // a malformed escape never gets here: QueryEscapes refused it, naming the parameter
        Map<String, List<String>> params = uri.getQueryParameters();
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            if (!e.getKey().equals(name)) {
                throw new InvalidInput("unknown query parameter '" + JsonRecords.printable(e.getKey()) + "'; this takes "
                        + name);
            }
            if (e.getValue().size() > 1) {
                throw new InvalidInput(name + " is given " + e.getValue().size() + " times; it is taken once");
            }
        }
        List<String> given = params.get(name);
        return given == null || given.isEmpty() ? null : given.get(0) == null ? "" : given.get(0);
    }
}
