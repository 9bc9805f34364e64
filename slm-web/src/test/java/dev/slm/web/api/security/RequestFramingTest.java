package dev.slm.web.api.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestFramingTest {

    /** Headers by name in any case, as the container looks them up. */
    private static Function<String, Enumeration<String>> headers(Map<String, List<String>> given) {
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(given);
        return name -> Collections.enumeration(byName.getOrDefault(name, List.of()));
    }

    private static RequestFraming.Refusal coding(List<String> codings) {
        return RequestFraming.refusal(headers(Map.of("Transfer-Encoding", codings)), "application/json", -1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked", "Chunked", "CHUNKED", " chunked", "chunked\t"})
    void aChunkedBodyIsRefusedWith411(String coding) {
        assertEquals(411, coding(List.of(coding)).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"xchunked", "gzip, chunked", "identity, chunked", "chunked, identity", "identity", "gzip",
            "chunked;x=1", "chunked, chunked", ""})
    void anyOtherCodingIsRefusedWith400(String coding) {
        assertEquals(400, coding(List.of(coding)).status());
    }

    @Test
    void twoCodingHeadersAreRefusedEvenWhenBothSayChunked() {
        assertEquals(400, coding(List.of("chunked", "chunked")).status());
        assertEquals(400, coding(List.of("identity", "chunked")).status());
    }

    @Test
    void aBodyWithALengthAndNoFormIsFine() {
        assertNull(RequestFraming.refusal(headers(Map.of()), null, -1));
        assertNull(RequestFraming.refusal(headers(Map.of("Host", List.of("a"))), "application/json", 50_000_000));
        assertNull(RequestFraming.refusal(name -> null, "text/plain", 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Host", "Authorization", "Content-Type", "Origin", "Upgrade", "Range", "If-Range", "Expect"})
    void aHeaderThatSaysOneThingGivenTwiceIsRefusedWith400(String name) {
        assertEquals(400, RequestFraming.refusal(headers(Map.of(name.toLowerCase(Locale.ROOT), List.of("a", "a"))), null, -1)
                .status());
        assertNull(RequestFraming.refusal(headers(Map.of(name, List.of("a"))), null, -1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded", "APPLICATION/X-WWW-FORM-URLENCODED",
            " application/x-www-form-urlencoded ; charset=utf-8", "application/x-www-form-urlencodedzz"})
    void aFormOverTheLimitIsRefusedWith413InEverySpellingTheContainerParses(String type) {
        assertEquals(413, RequestFraming.refusal(headers(Map.of()), type, RequestFraming.MAX_FORM_BYTES + 1).status());
        assertNull(RequestFraming.refusal(headers(Map.of()), type, RequestFraming.MAX_FORM_BYTES));
        assertNull(RequestFraming.refusal(headers(Map.of()), type, -1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2c", "websocket", "foo"})
    void aRequestThatAsksToSwitchProtocolsCarriesNoBody(String upgrade) {
        Function<String, Enumeration<String>> asks = headers(Map.of("Upgrade", List.of(upgrade)));
        assertEquals(400, RequestFraming.refusal(asks, "application/json", 2).status());
        assertNull(RequestFraming.refusal(asks, null, -1));
        assertNull(RequestFraming.refusal(asks, "application/json", 0));
    }
}
