package dev.slm.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slm.web.api.CodePackageResource.Span;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Range header of a package download (an agent resuming a broken download): one byte range or the whole. */
class CodePackageRangeTest {

    static final long SIZE = 1000;
    static final Optional<Span> WHOLE = Optional.of(new Span(0, SIZE - 1, false));
    static final Optional<Span> NOTHING_IT_HAS = Optional.empty();

    @Test
    void aSingleByteRangeIsServedAsAsked() {
        assertEquals(part(0, 999), CodePackageResource.span("bytes=0-999", SIZE));
        assertEquals(part(100, 199), CodePackageResource.span("bytes=100-199", SIZE));
        assertEquals(part(500, 999), CodePackageResource.span("bytes=500-", SIZE), "a resume: from byte 500 on");
        assertEquals(part(999, 999), CodePackageResource.span("bytes=999-999", SIZE));
        assertEquals(part(900, 999), CodePackageResource.span("bytes=-100", SIZE), "the last 100 bytes");
        assertEquals(part(0, 999), CodePackageResource.span("bytes=-5000", SIZE), "a suffix longer than the package");
        assertEquals(part(10, 999), CodePackageResource.span("bytes=10-5000", SIZE), "an end beyond it is cut");
        assertEquals(part(0, 999), CodePackageResource.span("bytes=0-999999999999999999", SIZE), "18 digits");
        assertEquals(part(0, 0), CodePackageResource.span(" bytes=0-0 ", SIZE));
    }

    @Test
    void whatIsNotOneByteRangeOfOursIsIgnoredAndTheWholePackageServed() {
        for (String header : Arrays.asList(null, "", " ", "bytes=", "bytes=-", "bytes=0-1,5-6", "bytes=0-1, 5-6",
                "Bytes=0-1", "bytes =0-1", "bytes= 0-1", "items=0-1", "bytes=a-b", "bytes=0x10-", "bytes=+1-2",
                "bytes=-1-2", "bytes=1.5-2", "bytes=0-1000000000000000000", "bytes=9999999999999999999-",
                "bytes=\u0661-\u0662", "bytes=%30-1")) {
            assertEquals(WHOLE, CodePackageResource.span(header, SIZE), String.valueOf(header));
        }
    }

    @Test
    void aRangeThePackageDoesNotHaveIsRefusedWith416() {
        for (String header : List.of("bytes=1000-", "bytes=1000-2000", "bytes=5000-5001", "bytes=999999999999999999-",
                "bytes=-0", "bytes=500-100")) {
            assertEquals(NOTHING_IT_HAS, CodePackageResource.span(header, SIZE), header);
        }
        assertEquals(NOTHING_IT_HAS, CodePackageResource.span("bytes=0-", 0), "an empty package has no byte 0");
        assertEquals(Optional.of(new Span(0, -1, false)), CodePackageResource.span(null, 0), "... but is served whole");
    }

    private static Optional<Span> part(long from, long to) {
        return Optional.of(new Span(from, to, true));
    }
}
