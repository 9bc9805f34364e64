package dev.slm.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** download.limit.kb.s: the bytes arrive whole, and not faster than the cap (a lower bound, never flaky). */
class DownloadLimitTest {

    @Test
    void aCappedCopyTakesAtLeastTheTimeTheCapAllows() throws Exception {
        byte[] data = new byte[60 * 1024];
        new Random(1).nextBytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long start = System.nanoTime();
        ServerClient.copy(new ByteArrayInputStream(data), out, 60 * 1024);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertArrayEquals(data, out.toByteArray());
        assertTrue(ms >= 900, "60 KB at 60 KB/s took only " + ms + " ms");
    }

    @Test
    void noCapCopiesEverything() throws Exception {
        byte[] data = new byte[300_000];
        new Random(2).nextBytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ServerClient.copy(new ByteArrayInputStream(data), out, 0);
        assertArrayEquals(data, out.toByteArray());
    }
}
