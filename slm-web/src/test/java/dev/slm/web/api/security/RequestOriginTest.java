package dev.slm.web.api.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestOriginTest {

    static HttpServletRequest request(String method, String scheme, String... headers) {
        Map<String, String> h = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i].toLowerCase(), headers[i + 1]);
        }
        return (HttpServletRequest) Proxy.newProxyInstance(RequestOriginTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getScheme" -> scheme;
                    case "getHeader" -> h.get(((String) args[0]).toLowerCase());
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    static RequestOrigin origins(String publicUrl) {
        RequestOrigin o = new RequestOrigin();
        o.config = new dev.slm.platform.SlmConfig() {
            @Override
            public Optional<String> publicUrl() {
                return Optional.ofNullable(publicUrl);
            }
        };
        o.readPublicUrl();
        return o;
    }

    @Test
    void originsAreComparedWithoutDefaultPortsAndCase() {
        assertEquals(Optional.of("https://slm.example.com"), RequestOrigin.originOf("HTTPS://SLM.example.com:443/x"));
        assertEquals(Optional.of("http://127.0.0.1:8080"), RequestOrigin.originOf("http://127.0.0.1:8080"));
        assertEquals(Optional.empty(), RequestOrigin.originOf("null"));
        assertEquals(Optional.empty(), RequestOrigin.originOf("http://127.0.0.1:8080.evil.example"));
        assertEquals(Optional.empty(), RequestOrigin.originOf("http://admin@slm.example.com"));
    }

    @Test
    void withoutAPublicUrlTheHostHeaderIsTheOrigin() {
        RequestOrigin o = origins(null);
        assertTrue(o.declaresOwn(request("POST", "http", "Host", "slm:8080", "Origin", "http://slm:8080")));
        assertFalse(o.declaresOwn(request("POST", "http", "Host", "slm:8080", "Origin", "https://slm:8080")));
        assertTrue(o.declaresForeign(request("POST", "http", "Host", "slm:8080", "Origin", "https://evil.example")));
    }

    @Test
    void aPublicUrlPinsTheOriginWhateverTheHostSays() {
        RequestOrigin o = origins("https://slm.example.com");
        assertTrue(o.declaresOwn(request("POST", "http", "Host", "backend:8080", "Origin", "https://slm.example.com")));
        assertTrue(o.declaresForeign(request("POST", "http", "Host", "evil.example", "Origin", "http://evil.example")));
        assertTrue(o.publicUrlIsHttps());
    }

    @Test
    void withoutOriginOnlySecFetchSiteSameOriginCountsAsOwn() {
        RequestOrigin o = origins(null);
        assertTrue(o.declaresOwn(request("POST", "http", "Host", "slm", "Sec-Fetch-Site", "same-origin")));
        assertFalse(o.declaresOwn(request("POST", "http", "Host", "slm")));
        assertFalse(o.declaresForeign(request("POST", "http", "Host", "slm")), "a script says nothing");
        assertTrue(o.declaresForeign(request("POST", "http", "Host", "slm", "Sec-Fetch-Site", "same-site")));
    }

    @Test
    void everyWebSocketHandshakeCountsAsAChange() {
        assertTrue(RequestOrigin.changesState(request("GET", "http", "Upgrade", "websocket")));
        assertFalse(RequestOrigin.changesState(request("GET", "http")));
        assertTrue(RequestOrigin.changesState(request("DELETE", "http")));
    }
}
