package dev.slm.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where the Link header of GET /api/nodes points. */
class NodesResourceLinkTest {

    /**
     * Behind a proxy that ends TLS the request the server sees is {@code http://backend:8080/api/nodes}, and its Host
     * is whatever the client sent: the next page was linked there — a script following it left the proxy (or failed),
     * its Basic credentials going over plain http. With SLM_PUBLIC_URL set, the links are under the URL clients use.
     */
    @Test
    void theLinksAreUnderThePublicUrlWhenOneIsSet() {
        URI seen = URI.create("http://backend:8080/api/nodes");
        assertEquals("https://slm.example.com/api/nodes", NodesResource.listUrl(Optional.of("https://slm.example.com"), seen));
        assertEquals("https://slm.example.com/api/nodes", NodesResource.listUrl(Optional.of("https://slm.example.com/"), seen));
        assertEquals("https://slm.example.com/api/nodes",
                NodesResource.listUrl(Optional.of("https://slm.example.com"), URI.create("http://evil.example/api/nodes")),
                "a Host header of the client's choice plays no part");
        assertEquals("http://backend:8080/api/nodes", NodesResource.listUrl(Optional.empty(), seen), "without it, the request's");
    }
}
