package dev.slm.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** download.limit.kb.s: the bytes arrive whole, and never faster than the cap; on a clock of the test's own. */
class DownloadLimitTest {

    static final long SECOND = 1_000_000_000L;

    /** A clock that moves only when the copy pauses (or when the test says the network took time). */
    long now = 42 * SECOND;
    final List<Long> pauses = new ArrayList<>();

    @Test
    void aCappedCopyPausesUntilEveryChunkIsDueAndNoLonger() throws Exception {
        byte[] data = new byte[60 * 1024];
        new Random(1).nextBytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Long> aheadOfTheCap = new ArrayList<>();
        long start = now;
        InputStream watched = new FilterInputStream(new ByteArrayInputStream(data)) {
            int read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                // before each read, what was copied so far may not be ahead of the cap
                aheadOfTheCap.add(read * SECOND / (60 * 1024) - (now - start));
                int n = super.read(b, off, len);
                read += Math.max(0, n);
                return n;
            }
        };
        ServerClient.copy(watched, out, 60 * 1024, () -> now, this::pause);
        assertArrayEquals(data, out.toByteArray());
        assertEquals(SECOND, now - start, "60 KiB at 60 KiB/s take one second: " + pauses);
        assertEquals(10, pauses.size(), "one pause per chunk of a tenth of a second's bytes: " + pauses);
        assertTrue(aheadOfTheCap.stream().allMatch(ns -> ns <= 0), "ahead of the cap (ns): " + aheadOfTheCap);
    }

    @Test
    void aLinkSlowerThanTheCapIsNeverPausedFurther() throws Exception {
        byte[] data = new byte[60 * 1024];
        InputStream slow = new FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                now += SECOND; // each chunk (6 KiB) takes a second to arrive: ten times slower than the cap
                return super.read(b, off, len);
            }
        };
        ServerClient.copy(slow, new ByteArrayOutputStream(), 60 * 1024, () -> now, this::pause);
        assertEquals(List.of(), pauses);
    }

    @Test
    void noCapCopiesEverythingWithoutPausing() throws Exception {
        byte[] data = new byte[300_000];
        new Random(2).nextBytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ServerClient.copy(new ByteArrayInputStream(data), out, 0, () -> now, this::pause);
        assertArrayEquals(data, out.toByteArray());
        assertEquals(List.of(), pauses);
    }

    private void pause(long nanos) {
        pauses.add(nanos);
        now += nanos;
    }
}
