package dev.slm.web.api.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestFramingTest {

    private static RequestFraming.Refusal framing(List<String> codings, String type, long length) {
        return RequestFraming.refusal(Collections.enumeration(codings), null, type, length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked", "Chunked", "CHUNKED", " chunked", "chunked\t"})
    void chunkedInAnyCaseIsTheOneCodingTaken(String coding) {
        assertNull(framing(List.of(coding), "application/json", -1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"xchunked", "gzip, chunked", "identity, chunked", "chunked, identity", "identity", "gzip",
            "chunked;x=1", "chunked, chunked", ""})
    void anyOtherCodingIsRefusedWith400(String coding) {
        assertEquals(400, framing(List.of(coding), "application/json", -1).status());
    }

    @Test
    void twoCodingHeadersAreRefusedEvenWhenBothSayChunked() {
        assertEquals(400, framing(List.of("chunked", "chunked"), null, -1).status());
        assertEquals(400, framing(List.of("identity", "chunked"), null, -1).status());
    }

    @Test
    void noCodingAndNoFormIsFine() {
        assertNull(framing(List.of(), null, -1));
        assertNull(framing(List.of(), "application/json", 50_000_000));
        assertNull(RequestFraming.refusal(null, null, "text/plain", 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded", "APPLICATION/X-WWW-FORM-URLENCODED",
            " application/x-www-form-urlencoded ; charset=utf-8", "application/x-www-form-urlencodedzz"})
    void aFormOverTheLimitIsRefusedWith413InEverySpellingTheContainerParses(String type) {
        assertEquals(413, framing(List.of(), type, RequestFraming.MAX_FORM_BYTES + 1).status());
        assertNull(framing(List.of(), type, RequestFraming.MAX_FORM_BYTES));
        assertNull(framing(List.of(), type, -1));
    }

    @Test
    void aChunkedFormIsRefusedWith411() {
        assertEquals(411, framing(List.of("chunked"), "application/x-www-form-urlencoded", -1).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2c", "websocket", "foo"})
    void aRequestThatAsksToSwitchProtocolsCarriesNoBody(String upgrade) {
        assertEquals(400, RequestFraming.refusal(Collections.enumeration(List.of()), upgrade, "application/json", 2).status());
        assertEquals(400, RequestFraming.refusal(Collections.enumeration(List.of("chunked")), upgrade, null, -1).status());
        assertNull(RequestFraming.refusal(Collections.enumeration(List.of()), upgrade, null, -1));
        assertNull(RequestFraming.refusal(Collections.enumeration(List.of()), upgrade, "application/json", 0));
    }
}
